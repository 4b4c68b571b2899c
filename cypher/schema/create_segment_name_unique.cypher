CREATE CONSTRAINT segment_name_unique IF NOT EXISTS
FOR (n:Segment) REQUIRE n.name IS UNIQUE
