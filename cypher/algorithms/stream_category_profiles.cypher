// One page of products (by sku, after $after, at most $limit of them) and the interactions with
// them up to $now, per customer and top-level category: order lines and products viewed,
// favourited or carted, each counted once; summed over the pages, the profiles preference
// groups compare. Each product's top-level categories are found once, not once per customer who
// touched it. Paged so that a read's memory stays bounded as customers grow: one record of every
// customer's rows (about 8 a customer) held at a million customers with a 6 GiB heap, but that is
// the same kind of whole-graph grouping that failed elsewhere (identity candidates).
// Returns last: the page's last sku (null: no product after $after), and rows [customer id,
// category id, category name, interactions with this page's products], in no particular order.
MATCH (p:Product)
WHERE p.sku > $after
WITH p ORDER BY p.sku LIMIT $limit
WITH collect(p) AS page
CALL (page) {
  UNWIND page AS p
  MATCH (p)-[:IN_CATEGORY]->(:Category)-[:SUBCATEGORY_OF*0..]->(top:Category)
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
}
RETURN page[-1].sku AS last, rows
