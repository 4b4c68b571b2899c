UNWIND $rows AS row
MATCH (c:Customer {customerId: row.id})
MERGE (k:Community {communityId: $kind + '-' + toString(row.community)})
ON CREATE SET k.kind = $kind, k.algorithm = $algorithm, k.computedAt = datetime($now)
MERGE (c)-[:MEMBER_OF]->(k)
