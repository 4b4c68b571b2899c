// References are resolved here: a row whose customer has no node comes back (line, missing field).
UNWIND $rows AS row
OPTIONAL MATCH (c:Customer {customerId: row.customerId})
WITH row, c, CASE WHEN c IS NULL THEN 'customerId' END AS missing
CALL (row, c, missing) {
  WITH * WHERE missing IS NULL
  MERGE (k:Consent {consentId: row.consentId})
  SET k.purpose = row.purpose, k.granted = row.granted, k.at = datetime(row.at)
  MERGE (c)-[:GAVE]->(k)
}
WITH row, missing WHERE missing IS NOT NULL
RETURN row.line AS line, missing
