UNWIND $rows AS row
MATCH (a:Customer {customerId: row.referrerId})
MATCH (b:Customer {customerId: row.refereeId})
MERGE (a)-[r:REFERRED]->(b)
SET r.at = datetime(row.at)
