UNWIND $rows AS row
MATCH (e:Enterprise {enterpriseId: row.enterpriseId})
MERGE (ct:Contact {contactId: row.contactId})
SET ct.name = row.name, ct.email = row.email, ct.phone = row.phone, ct.title = row.title
MERGE (ct)-[:WORKS_FOR]->(e)
WITH ct, row WHERE row.customerId IS NOT NULL
MATCH (c:Customer {customerId: row.customerId})
MERGE (ct)-[:IS_CUSTOMER]->(c)
