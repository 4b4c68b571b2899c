UNWIND $rows AS row
MATCH (c:Customer {customerId: row.customerId})
MERGE (k:Consent {consentId: row.consentId})
SET k.purpose = row.purpose, k.granted = row.granted, k.at = datetime(row.at)
MERGE (c)-[:GAVE]->(k)
