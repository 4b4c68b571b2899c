UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:PLACED]->(o:Order)
WHERE o.placedAt <= datetime($now)
WITH c, count(o) AS n, sum(CASE WHEN o.promo THEN 1 ELSE 0 END) AS promo
WHERE n >= 2
WITH c, n, promo, promo * 1.0 / n AS share
RETURN c.customerId AS id,
       'marketing_sensitivity:' + CASE WHEN share >= 0.5 THEN 'high' WHEN share >= 0.2 THEN 'medium' ELSE 'low' END AS tag,
       CASE WHEN share >= 0.2 THEN share ELSE 1.0 - share END AS weight,
       CASE WHEN n >= 5 THEN 0.9 ELSE 0.6 END AS confidence,
       [toString(promo) + ' of ' + toString(n) + ' orders with a promotion'] AS evidence
