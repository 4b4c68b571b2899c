CREATE INDEX customer_phone_index IF NOT EXISTS
FOR (n:Customer) ON (n.phone)
