// The referrals of one cascade, from its root down (up to 10 steps), as edges.
MATCH p = (:Customer {customerId: $root})-[:REFERRED*1..10]->(:Customer)
UNWIND relationships(p) AS r
WITH DISTINCT startNode(r).customerId AS source, endNode(r).customerId AS target
RETURN source, target
ORDER BY source, target
LIMIT 500
