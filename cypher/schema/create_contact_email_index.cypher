CREATE INDEX contact_email_index IF NOT EXISTS
FOR (n:Contact) ON (n.email)
