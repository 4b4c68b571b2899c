CREATE CONSTRAINT api_token_name_unique IF NOT EXISTS
FOR (n:ApiToken) REQUIRE n.name IS UNIQUE
