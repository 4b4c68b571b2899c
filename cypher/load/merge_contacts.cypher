// References are resolved here: a row whose enterprise (or named customer) has no node comes back
// (line, first missing field) to be rejected.
UNWIND $rows AS row
OPTIONAL MATCH (e:Enterprise {enterpriseId: row.enterpriseId})
OPTIONAL MATCH (c:Customer {customerId: row.customerId})
WITH row, e, c, CASE WHEN e IS NULL THEN 'enterpriseId'
                     WHEN row.customerId IS NOT NULL AND c IS NULL THEN 'customerId' END AS missing
CALL (row, e, c, missing) {
  WITH * WHERE missing IS NULL
  MERGE (ct:Contact {contactId: row.contactId})
  SET ct.name = row.name, ct.email = row.email, ct.phone = row.phone, ct.title = row.title
  MERGE (ct)-[:WORKS_FOR]->(e)
  WITH ct, c WHERE c IS NOT NULL
  MERGE (ct)-[:IS_CUSTOMER]->(c)
}
WITH row, missing WHERE missing IS NOT NULL
RETURN row.line AS line, missing
