// Click and purchase preference per leaf category, with recency decay.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
CALL (c) {
  MATCH (c)-[e:VIEWED|FAVORITED|ADDED_TO_CART]->(p:Product)
  WHERE e.at <= datetime($now)
  RETURN p, e.at AS at, CASE type(e) WHEN 'VIEWED' THEN 1.0 WHEN 'FAVORITED' THEN 2.0 ELSE 3.0 END AS w,
         type(e) AS kind
  UNION ALL
  MATCH (c)-[:PLACED]->(o:Order)-[:CONTAINS]->(p:Product)
  WHERE o.placedAt <= datetime($now)
  RETURN p, o.placedAt AS at, 5.0 AS w, 'ORDERED' AS kind
}
MATCH (p)-[:IN_CATEGORY]->(leaf:Category)-[:SUBCATEGORY_OF*0..]->(top:Category)
WHERE NOT (top)-[:SUBCATEGORY_OF]->()
WITH c, leaf, top, sum(w * 0.5 ^ (duration.inDays(at, datetime($now)).days / $halfLifeDays)) AS s,
     collect(kind) AS kinds
WHERE s >= 1.0
RETURN c.customerId AS id, 'interest:' + top.name + ' > ' + leaf.name AS tag, s / (s + 3.0) AS weight,
       CASE WHEN size(kinds) >= 3 THEN 0.9 ELSE 0.6 END AS confidence,
       [k IN ['VIEWED', 'FAVORITED', 'ADDED_TO_CART', 'ORDERED'] WHERE k IN kinds |
          k + ' x' + toString(size([x IN kinds WHERE x = k]))] AS evidence
