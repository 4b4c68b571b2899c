// References are resolved here: a row whose referrer or referee has no node comes back (line, field).
UNWIND $rows AS row
OPTIONAL MATCH (a:Customer {customerId: row.referrerId})
OPTIONAL MATCH (b:Customer {customerId: row.refereeId})
WITH row, a, b, CASE WHEN a IS NULL THEN 'referrerId' WHEN b IS NULL THEN 'refereeId' END AS missing
CALL (row, a, b, missing) {
  WITH * WHERE missing IS NULL
  MERGE (a)-[r:REFERRED]->(b)
  SET r.at = datetime(row.at)
}
WITH row, missing WHERE missing IS NOT NULL
RETURN row.line AS line, missing
