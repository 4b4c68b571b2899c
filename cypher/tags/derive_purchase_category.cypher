UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:PLACED]->(o:Order)-[r:CONTAINS]->(:Product)-[:IN_CATEGORY]->(:Category)
      -[:SUBCATEGORY_OF*0..]->(top:Category)
WHERE NOT (top)-[:SUBCATEGORY_OF]->() AND o.placedAt <= datetime($now)
WITH c, top, sum(r.quantity) AS n, collect(DISTINCT o.orderId)[0..5] AS orders
WITH c, collect({top: top.name, n: n, orders: orders}) AS tops, sum(n) AS total
UNWIND tops AS t
WITH c, t, total WHERE t.n * 1.0 / total >= 0.15
RETURN c.customerId AS id, 'purchase_category:' + t.top AS tag, t.n * 1.0 / total AS weight,
       CASE WHEN total >= 5 THEN 0.9 ELSE 0.6 END AS confidence,
       [toString(t.n) + ' of ' + toString(total) + ' items', 'orders ' + apoc.text.join(t.orders, ', ')] AS evidence
