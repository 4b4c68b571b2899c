CREATE CONSTRAINT suppressed_key_unique IF NOT EXISTS FOR (s:Suppressed) REQUIRE s.key IS UNIQUE
