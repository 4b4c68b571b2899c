CREATE INDEX enterprise_country_index IF NOT EXISTS
FOR (n:Enterprise) ON (n.country)
