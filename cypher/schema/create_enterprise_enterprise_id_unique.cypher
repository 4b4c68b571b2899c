CREATE CONSTRAINT enterprise_enterprise_id_unique IF NOT EXISTS
FOR (n:Enterprise) REQUIRE n.enterpriseId IS UNIQUE
