UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:PLACED]->(o:Order)-[r:CONTAINS]->(p:Product)
WHERE p.price > 0 AND o.placedAt <= datetime($now)
WITH c, avg(r.unitPrice / p.price) AS ratio, count(r) AS n
RETURN c.customerId AS id,
       'price_sensitivity:' + CASE WHEN ratio < 0.9 THEN 'high' WHEN ratio > 1.1 THEN 'low' ELSE 'medium' END AS tag,
       CASE WHEN abs(ratio - 1.0) * 4 > 1 THEN 1.0 ELSE 0.5 + abs(ratio - 1.0) * 2 END AS weight,
       CASE WHEN n >= 5 THEN 0.9 ELSE 0.5 END AS confidence,
       ['paid ' + toString(round(ratio * 100)) + '% of list price over ' + toString(n) + ' items'] AS evidence
