// Moves customers into the community numbered row.community (created when new), ending any other
// membership of the same kind. Only customers whose community changed are sent here.
// A customer whose consents stopped allowing profiling while the refresh ran is left out (graph.consent).
UNWIND $rows AS row
MATCH (c:Customer {customerId: row.id})
WHERE 'profiling' IN coalesce(c.allowedUses, $defaultUses)
OPTIONAL MATCH (c)-[old:MEMBER_OF]->(:Community {kind: $kind})
DELETE old
WITH DISTINCT c, row
MERGE (k:Community {communityId: $kind + '-' + toString(row.community)})
ON CREATE SET k.kind = $kind, k.number = row.community, k.algorithm = $algorithm, k.computedAt = datetime($now)
CREATE (c)-[:MEMBER_OF {since: datetime($now)}]->(k)
