CREATE CONSTRAINT contact_contact_id_unique IF NOT EXISTS
FOR (n:Contact) REQUIRE n.contactId IS UNIQUE
