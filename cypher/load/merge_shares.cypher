UNWIND $rows AS row
MATCH (c:Customer {customerId: row.customerId})
MATCH (p:Product {sku: row.sku})
MERGE (s:SocialShare {shareId: row.shareId})
SET s.platform = row.platform, s.at = datetime(row.at)
MERGE (c)-[sh:SHARED]->(s)
SET sh.at = datetime(row.at), sh.channel = row.platform
MERGE (s)-[:OF]->(p)
