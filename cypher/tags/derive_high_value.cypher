UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:PLACED]->(o:Order)
WHERE o.placedAt <= datetime($now) AND o.placedAt > datetime($now) - duration('P365D') AND o.status <> 'cancelled'
WITH c, sum(o.totalUsd) AS spend
WHERE spend >= $threshold
RETURN c.customerId AS id, 'high_value' AS tag, 1.0 AS weight, 0.9 AS confidence,
       [toString(round(spend)) + ' USD over 12 months, threshold ' + toString(round($threshold))] AS evidence
