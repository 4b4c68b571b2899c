MATCH (c:Customer)-[:MEMBER_OF]->(k:Community {kind: $kind})
RETURN c.customerId AS id, k.communityId AS community
