CREATE INDEX customer_email_index IF NOT EXISTS
FOR (n:Customer) ON (n.email)
