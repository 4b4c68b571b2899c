UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:PLACED]->(o:Order)
WHERE o.placedAt <= datetime($now) AND o.placedAt > datetime($now) - duration('P365D') AND o.status <> 'cancelled'
WITH c, sum(o.totalUsd) AS spend, count(o) AS n
RETURN c.customerId AS id,
       'purchasing_power:' + CASE WHEN spend >= 1500 THEN 'premium' WHEN spend >= 500 THEN 'high'
         WHEN spend >= 150 THEN 'medium' ELSE 'low' END AS tag,
       1.0 AS weight, CASE WHEN n >= 3 THEN 0.9 ELSE 0.6 END AS confidence,
       [toString(round(spend)) + ' USD in ' + toString(n) + ' orders over 12 months'] AS evidence
