// Per buyer: first and last purchase and the number of distinct purchase days (BG/NBD inputs).
MATCH (c:Customer)-[:PLACED]->(o:Order)
WHERE o.placedAt <= datetime($now) AND o.status <> 'cancelled'
WITH c, collect(DISTINCT date(o.placedAt)) AS days, min(o.placedAt) AS first, max(o.placedAt) AS last
RETURN c.customerId AS id, size(days) - 1 AS x,
       duration.inSeconds(first, last).seconds / 604800.0 AS tx,
       duration.inSeconds(first, datetime($now)).seconds / 604800.0 AS T
