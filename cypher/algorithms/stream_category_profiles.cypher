// Each customer's interactions per top-level category up to $now: order lines and products
// viewed, favourited or carted, each counted once; the profiles preference groups compare.
CALL () {
  MATCH (c:Customer)-[:PLACED]->(o:Order)-[:CONTAINS]->(p:Product)
  WHERE o.placedAt <= datetime($now)
  RETURN c, p
  UNION ALL
  MATCH (c:Customer)-[v:VIEWED|FAVORITED|ADDED_TO_CART]->(p:Product)
  WHERE v.at <= datetime($now)
  RETURN c, p
}
WITH c, p, count(*) AS n
MATCH (p)-[:IN_CATEGORY]->(:Category)-[:SUBCATEGORY_OF*0..]->(top:Category)
WHERE NOT (top)-[:SUBCATEGORY_OF]->()
RETURN c.customerId AS id, top.categoryId AS category, top.name AS name, sum(n) AS n
ORDER BY id, category
