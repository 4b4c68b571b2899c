UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[e:VIEWED|SEARCHED|FAVORITED|ADDED_TO_CART]->()
WITH c, e.at.hour AS h
WITH c, CASE WHEN h < 6 THEN 'night' WHEN h < 12 THEN 'morning' WHEN h < 18 THEN 'afternoon'
  ELSE 'evening' END AS band, count(*) AS n
WITH c, collect({band: band, n: n}) AS bands, sum(n) AS total
UNWIND bands AS b
WITH c, b, total ORDER BY b.n DESC
WITH c, collect(b)[0] AS top, total WHERE total >= 3
RETURN c.customerId AS id, 'active_hours:' + top.band AS tag, top.n * 1.0 / total AS weight,
       CASE WHEN total >= 10 THEN 0.9 ELSE 0.6 END AS confidence,
       [toString(top.n) + ' of ' + toString(total) + ' events in the ' + top.band] AS evidence
