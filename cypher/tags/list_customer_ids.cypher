// Customer ids in pages (keyset pagination on the unique index).
MATCH (c:Customer) WHERE c.customerId > $after
RETURN c.customerId AS id ORDER BY id LIMIT $limit
