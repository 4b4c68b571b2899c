CREATE CONSTRAINT channel_channel_id_unique IF NOT EXISTS
FOR (n:Channel) REQUIRE n.channelId IS UNIQUE
