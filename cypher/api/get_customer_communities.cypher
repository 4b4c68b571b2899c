UNWIND $ids AS id
// A customer's communities, only where they allow profiling (graph.consent).
MATCH (c:Customer {customerId: id})-[:MEMBER_OF]->(k:Community)
WHERE coalesce('profiling' IN c.allowedUses, true)
RETURN id, k.communityId AS communityId, k.kind AS kind, k.size AS size, k.algorithm AS algorithm,
       k.dominantInterests AS dominantInterests
