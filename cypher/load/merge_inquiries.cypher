UNWIND $rows AS row
MATCH (e:Enterprise {enterpriseId: row.enterpriseId})
MATCH (p:Product {sku: row.sku})
MERGE (i:Inquiry {inquiryId: row.inquiryId})
SET i.at = datetime(row.at), i.quantity = row.quantity, i.targetPrice = row.targetPrice,
    i.currency = row.currency, i.status = row.status
MERGE (e)-[:SENT]->(i)
MERGE (i)-[:ABOUT]->(p)
WITH i, row WHERE row.contactId IS NOT NULL
MATCH (ct:Contact {contactId: row.contactId})
MERGE (ct)-[:SENT]->(i)
