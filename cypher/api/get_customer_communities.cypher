UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:MEMBER_OF]->(k:Community)
RETURN id, k.communityId AS communityId, k.kind AS kind, k.size AS size, k.algorithm AS algorithm,
       k.dominantInterests AS dominantInterests
