CREATE CONSTRAINT consent_consent_id_unique IF NOT EXISTS
FOR (n:Consent) REQUIRE n.consentId IS UNIQUE
