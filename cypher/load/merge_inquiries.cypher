// References are resolved here: a row whose enterprise, contact or product has no node comes back
// (line, first missing field) to be rejected.
UNWIND $rows AS row
OPTIONAL MATCH (e:Enterprise {enterpriseId: row.enterpriseId})
OPTIONAL MATCH (ct:Contact {contactId: row.contactId})
OPTIONAL MATCH (p:Product {sku: row.sku})
WITH row, e, ct, p, CASE WHEN e IS NULL THEN 'enterpriseId'
                         WHEN row.contactId IS NOT NULL AND ct IS NULL THEN 'contactId'
                         WHEN p IS NULL THEN 'sku' END AS missing
CALL (row, e, ct, p, missing) {
  WITH * WHERE missing IS NULL
  MERGE (i:Inquiry {inquiryId: row.inquiryId})
  SET i.at = datetime(row.at), i.quantity = row.quantity, i.targetPrice = row.targetPrice,
      i.currency = row.currency, i.status = row.status
  MERGE (e)-[:SENT]->(i)
  MERGE (i)-[:ABOUT]->(p)
  WITH i, ct WHERE ct IS NOT NULL
  MERGE (ct)-[:SENT]->(i)
}
WITH row, missing WHERE missing IS NOT NULL
RETURN row.line AS line, missing
