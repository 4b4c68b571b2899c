CREATE CONSTRAINT social_share_share_id_unique IF NOT EXISTS
FOR (n:SocialShare) REQUIRE n.shareId IS UNIQUE
