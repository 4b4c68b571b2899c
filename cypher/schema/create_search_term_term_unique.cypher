CREATE CONSTRAINT search_term_term_unique IF NOT EXISTS
FOR (n:SearchTerm) REQUIRE n.term IS UNIQUE
