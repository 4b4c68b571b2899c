UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
OPTIONAL MATCH (c)-[e:VIEWED|SEARCHED|FAVORITED|ADDED_TO_CART]->()
WHERE e.at > datetime($now) - duration('P30D') AND e.at <= datetime($now)
WITH c, count(e) AS n
RETURN c.customerId AS id,
       'activity_30d:' + CASE WHEN n >= 10 THEN 'high' WHEN n >= 3 THEN 'medium' WHEN n >= 1 THEN 'low'
         ELSE 'dormant' END AS tag,
       CASE WHEN n >= 20 THEN 1.0 ELSE CASE WHEN n = 0 THEN 1.0 ELSE n / 20.0 END END AS weight,
       1.0 AS confidence, [toString(n) + ' events in the 30 days before ' + $now] AS evidence
