// 95th percentile of 12-month spend over customers who bought in that window.
MATCH (c:Customer)-[:PLACED]->(o:Order)
WHERE o.placedAt <= datetime($now) AND o.placedAt > datetime($now) - duration('P365D') AND o.status <> 'cancelled'
WITH c, sum(o.totalUsd) AS spend
RETURN percentileCont(spend, 0.95) AS threshold
