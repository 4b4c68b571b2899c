CREATE CONSTRAINT api_token_token_hash_unique IF NOT EXISTS
FOR (n:ApiToken) REQUIRE n.tokenHash IS UNIQUE
