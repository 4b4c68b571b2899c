// What segment rules look at, for one page of customers: tags with weights, country, communities.
// Only customers whose consents allow marketing (an audience is marketing) and the rule's $basis
// (graph.segments.rule_basis) are candidates; sensitive tags are seen only by rules that name them,
// which only admins may define; communities only where the customer allows profiling (graph.consent).
MATCH (c:Customer)
WHERE c.customerId > $after AND 'marketing' IN coalesce(c.allowedUses, $defaultUses)
  AND $basis IN coalesce(c.allowedUses, $defaultUses)
WITH c ORDER BY c.customerId LIMIT $limit
OPTIONAL MATCH (c)-[h:HAS_TAG]->(t:Tag) WHERE $includeSensitive OR NOT coalesce(t.sensitive, false)
WITH c, collect([t.name, t.family, t.dimension, h.weight]) AS tags
RETURN c.customerId AS id, c.country AS country, tags,
       [(c)-[:MEMBER_OF]->(k:Community) WHERE coalesce('profiling' IN c.allowedUses, true) | k.communityId] AS communities
