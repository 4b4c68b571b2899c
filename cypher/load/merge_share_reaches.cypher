// References are resolved here: a row whose share or customer has no node comes back (line, field).
UNWIND $rows AS row
OPTIONAL MATCH (s:SocialShare {shareId: row.shareId})
OPTIONAL MATCH (c:Customer {customerId: row.customerId})
WITH row, s, c, CASE WHEN s IS NULL THEN 'shareId' WHEN c IS NULL THEN 'customerId' END AS missing
CALL (s, c, missing) {
  WITH * WHERE missing IS NULL
  MERGE (s)-[:REACHED]->(c)
}
WITH row, missing WHERE missing IS NOT NULL
RETURN row.line AS line, missing
