// Each customer's interactions per top-level category up to $now: order lines and products
// viewed, favourited or carted, each counted once; the profiles preference groups compare.
// Each product's top-level categories are found once, not once per customer who touched it.
// Rows [customer id, category id, category name, interactions], in no particular order.
MATCH (p:Product)-[:IN_CATEGORY]->(:Category)-[:SUBCATEGORY_OF*0..]->(top:Category)
WHERE NOT (top)-[:SUBCATEGORY_OF]->()
WITH p, top
CALL (p) {
  MATCH (c:Customer)-[:PLACED]->(o:Order)-[:CONTAINS]->(p)
  WHERE o.placedAt <= datetime($now)
  RETURN c
  UNION ALL
  MATCH (c:Customer)-[v:VIEWED|FAVORITED|ADDED_TO_CART]->(p)
  WHERE v.at <= datetime($now)
  RETURN c
}
WITH c, top, count(*) AS n
// one record: the driver builds a record per row in Python, far dearer than a list element
RETURN collect([c.customerId, top.categoryId, top.name, n]) AS rows
