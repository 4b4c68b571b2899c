UNWIND $ids AS id
MATCH (e:Enterprise {enterpriseId: id})
OPTIONAL MATCH (e)-[:PLACED]->(o:Order)
WHERE o.placedAt <= datetime($now) AND o.placedAt > datetime($now) - duration('P365D')
WITH e, sum(o.totalUsd) AS spend, count(o) AS n
RETURN e.enterpriseId AS id,
       'enterprise_volume:' + CASE WHEN n = 0 THEN 'none' WHEN spend >= 20000 THEN 'high'
         WHEN spend >= 3000 THEN 'medium' ELSE 'low' END AS tag, 1.0 AS weight, 1.0 AS confidence,
       [toString(round(spend)) + ' USD in ' + toString(n) + ' orders over 12 months'] AS evidence
