CREATE CONSTRAINT category_category_id_unique IF NOT EXISTS
FOR (n:Category) REQUIRE n.categoryId IS UNIQUE
