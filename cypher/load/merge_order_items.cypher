// References are resolved here: a row whose order or product has no node comes back (line, field).
UNWIND $rows AS row
OPTIONAL MATCH (o:Order {orderId: row.orderId})
OPTIONAL MATCH (p:Product {sku: row.sku})
WITH row, o, p, CASE WHEN o IS NULL THEN 'orderId' WHEN p IS NULL THEN 'sku' END AS missing
CALL (row, o, p, missing) {
  WITH * WHERE missing IS NULL
  MERGE (o)-[r:CONTAINS]->(p)
  SET r.quantity = row.quantity, r.unitPrice = row.unitPrice
}
WITH row, missing WHERE missing IS NOT NULL
RETURN row.line AS line, missing
