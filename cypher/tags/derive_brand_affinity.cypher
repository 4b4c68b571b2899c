UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:PLACED]->(o:Order)-[:CONTAINS]->(:Product)-[:MADE_BY]->(b:Brand)
WHERE o.placedAt <= datetime($now)
WITH c, b, count(DISTINCT o) AS orders,
     sum(0.5 ^ (duration.inDays(o.placedAt, datetime($now)).days / $halfLifeDays)) AS s,
     collect(DISTINCT o.orderId)[0..5] AS ids
WHERE orders >= 2
RETURN c.customerId AS id, 'brand_affinity:' + b.name AS tag, s / (s + 1.0) AS weight,
       CASE WHEN orders >= 3 THEN 0.9 ELSE 0.7 END AS confidence,
       [toString(orders) + ' orders with ' + b.name, 'orders ' + apoc.text.join(ids, ', ')] AS evidence
