MATCH (k:Community {communityId: $id})
OPTIONAL MATCH (k)<-[:MEMBER_OF]-(c:Customer)
WITH k, c ORDER BY c.customerId
WITH k, collect(c.customerId) AS members
RETURN k.communityId AS communityId, k.kind AS kind, k.size AS size, k.algorithm AS algorithm,
       k.dominantInterests AS dominantInterests, toString(k.computedAt) AS computedAt,
       members[0..$first] AS members
