// References are resolved here, not by a query per reference: a row whose category or brand has no
// node is not written and comes back (line, first missing field) to be rejected.
UNWIND $rows AS row
OPTIONAL MATCH (cat:Category {categoryId: row.categoryId})
OPTIONAL MATCH (b:Brand {brandId: row.brandId})
WITH row, cat, b, CASE WHEN cat IS NULL THEN 'categoryId'
                       WHEN row.brandId IS NOT NULL AND b IS NULL THEN 'brandId' END AS missing
CALL (row, cat, b, missing) {
  WITH * WHERE missing IS NULL
  MERGE (p:Product {sku: row.sku})
  SET p.name = row.name, p.price = row.price, p.currency = row.currency,
      p.genderTarget = row.genderTarget
  MERGE (p)-[:IN_CATEGORY]->(cat)
  WITH p, b WHERE b IS NOT NULL
  MERGE (p)-[:MADE_BY]->(b)
}
WITH row, missing WHERE missing IS NOT NULL
RETURN row.line AS line, missing
