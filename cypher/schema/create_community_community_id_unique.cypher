CREATE CONSTRAINT community_community_id_unique IF NOT EXISTS
FOR (n:Community) REQUIRE n.communityId IS UNIQUE
