UNWIND $rows AS row
MATCH (s:SocialShare {shareId: row.shareId})
MATCH (c:Customer {customerId: row.customerId})
MERGE (s)-[:REACHED]->(c)
