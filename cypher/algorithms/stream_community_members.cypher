// Current members of the communities of a kind, with the community's number.
MATCH (c:Customer)-[:MEMBER_OF]->(k:Community {kind: $kind})
RETURN c.customerId AS id, k.number AS community
