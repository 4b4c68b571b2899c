// Gender orientation of purchases: gender-targeted items bought, by target.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:PLACED]->(o:Order)-[r:CONTAINS]->(p:Product)
WHERE p.genderTarget IN ['F', 'M']
WITH c, p.genderTarget AS g, sum(r.quantity) AS n, collect(DISTINCT o.orderId)[0..5] AS orders
WITH c, collect({g: g, n: n, orders: orders}) AS parts, sum(n) AS total
UNWIND parts AS part
WITH c, part, total WHERE total >= 2 AND part.n * 1.0 / total >= 0.6
RETURN c.customerId AS id, 'shopping_gender:' + part.g AS tag, part.n * 1.0 / total AS weight,
       CASE WHEN total >= 6 THEN 0.9 ELSE 0.6 END AS confidence,
       [toString(part.n) + ' of ' + toString(total) + ' gender-targeted items for ' + part.g,
        'orders ' + apoc.text.join(part.orders, ', ')] AS evidence
