// Per buyer: distinct purchase days after $from up to $to (a holdout period's repeat purchases).
MATCH (c:Customer)-[:PLACED]->(o:Order)
WHERE datetime($from) < o.placedAt <= datetime($to) AND o.status <> 'cancelled'
RETURN c.customerId AS id, count(DISTINCT date(o.placedAt)) AS purchases
