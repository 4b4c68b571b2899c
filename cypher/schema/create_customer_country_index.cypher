CREATE INDEX customer_country_index IF NOT EXISTS
FOR (n:Customer) ON (n.country)
