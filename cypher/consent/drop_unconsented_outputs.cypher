// Withdrawal at once, for what the algorithms keep besides tags: a customer whose consents do not
// allow profiling is in no community, has no similarity link (either way) and no P(alive) or
// expected purchases. Returns the communities that lost members, so their size and profile are
// recomputed (and an emptied one removed) in the same transaction.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
WHERE NOT 'profiling' IN coalesce(c.allowedUses, $defaultUses)
  AND (c.pAlive IS NOT NULL OR c.expectedPurchases90d IS NOT NULL OR c.propensityAt IS NOT NULL
       OR EXISTS { (c)-[:MEMBER_OF]->(:Community) } OR EXISTS { (c)-[:SIMILAR_TO]-(:Customer) })
CALL (c) {
  OPTIONAL MATCH (c)-[m:MEMBER_OF]->(k:Community)
  DELETE m
  RETURN collect(k.communityId) AS communities
}
CALL (c) {
  OPTIONAL MATCH (c)-[s:SIMILAR_TO]-(:Customer)
  DELETE s
  RETURN count(s) AS links
}
REMOVE c.pAlive, c.expectedPurchases90d, c.propensityAt
WITH count(c) AS customers, sum(links) AS links, collect(communities) AS lists
RETURN customers, links, reduce(acc = [], l IN lists | acc + [x IN l WHERE NOT x IN acc]) AS communities
