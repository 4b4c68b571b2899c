// Behaviour events keep their id on the relationship, so a re-load never duplicates them.
// References are resolved here: a row whose customer has no node comes back (line, field).
UNWIND $rows AS row
OPTIONAL MATCH (c:Customer {customerId: row.customerId})
WITH row, c, CASE WHEN c IS NULL THEN 'customerId' END AS missing
CALL (row, c, missing) {
  WITH * WHERE missing IS NULL
  MERGE (t:SearchTerm {term: row.query})
  MERGE (c)-[r:SEARCHED {eventId: row.eventId}]->(t)
  SET r.at = datetime(row.at), r.device = row.device
}
WITH row, missing WHERE missing IS NOT NULL
RETURN row.line AS line, missing
