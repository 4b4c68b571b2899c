CREATE CONSTRAINT brand_brand_id_unique IF NOT EXISTS
FOR (n:Brand) REQUIRE n.brandId IS UNIQUE
