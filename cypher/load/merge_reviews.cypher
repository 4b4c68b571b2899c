// References are resolved here: a row whose customer or product has no node comes back (line, field).
UNWIND $rows AS row
OPTIONAL MATCH (c:Customer {customerId: row.customerId})
OPTIONAL MATCH (p:Product {sku: row.sku})
WITH row, c, p, CASE WHEN c IS NULL THEN 'customerId' WHEN p IS NULL THEN 'sku' END AS missing
CALL (row, c, p, missing) {
  WITH * WHERE missing IS NULL
  MERGE (r:Review {reviewId: row.reviewId})
  SET r.rating = row.rating, r.text = row.text, r.at = datetime(row.at)
  MERGE (c)-[:WROTE]->(r)
  MERGE (r)-[:REVIEWS]->(p)
}
WITH row, missing WHERE missing IS NOT NULL
RETURN row.line AS line, missing
