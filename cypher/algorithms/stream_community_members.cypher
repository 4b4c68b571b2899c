// Current members of the communities of a kind, with the community's number, as one record of
// [customer id, number] pairs (a record per member cost the driver ~25 us each).
MATCH (c:Customer)-[:MEMBER_OF]->(k:Community {kind: $kind})
RETURN collect([c.customerId, k.number]) AS members
