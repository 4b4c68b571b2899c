// One community with its members by id; only members who allow profiling (graph.consent).
MATCH (k:Community {communityId: $id})
OPTIONAL MATCH (k)<-[:MEMBER_OF]-(c:Customer) WHERE coalesce('profiling' IN c.allowedUses, true)
WITH k, c ORDER BY c.customerId
WITH k, collect(c.customerId) AS members
RETURN k.communityId AS communityId, k.kind AS kind, k.size AS size, k.algorithm AS algorithm,
       k.dominantInterests AS dominantInterests, toString(k.computedAt) AS computedAt,
       members[0..$first] AS members
