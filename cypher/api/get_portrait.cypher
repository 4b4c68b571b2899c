// A customer's portrait in one round trip: the customer, their current tags (HAS_TAG only; no
// descriptions: those come from the in-memory catalogue) and communities, with the portrait's version.
// $known: the version the caller's cache holds; when it is current, tags and communities come back
// null and the cached ones are used (the customer's own fields are always read afresh).
// The version is [epoch, customer]: the epoch moves on a full refresh, the customer's on any write
// that changes their portrait (graph.changes).
// Algorithm outputs (P(alive), expected purchases, communities) only where the customer allows
// profiling (graph.consent), whatever was written before a withdrawal.
MATCH (c:Customer {customerId: $id})
OPTIONAL MATCH (k:ChangeCounter {name: 'portraits'})
WITH c, [coalesce(k.epoch, 0), coalesce(c.portraitVersion, 0)] AS version
WITH c, version, version = $known AS current, coalesce('profiling' IN c.allowedUses, true) AS profiling
RETURN c.customerId AS id, c.name AS name, c.email AS email, c.phone AS phone, c.country AS country,
       c.city AS city, c.gender AS gender, c.birthYear AS birthYear, c.language AS language,
       toString(c.registeredAt) AS registeredAt, CASE WHEN profiling THEN c.pAlive END AS pAlive,
       CASE WHEN profiling THEN c.expectedPurchases90d END AS expected90d, c.allowedUses AS allowedUses,
       version,
       CASE WHEN current THEN null ELSE COLLECT {
         MATCH (c)-[h:HAS_TAG]->(t:Tag)
         WHERE $includeSensitive OR NOT coalesce(t.sensitive, false)
         RETURN {name: t.name, dimension: t.dimension, sensitive: coalesce(t.sensitive, false), weight: h.weight,
                 confidence: h.confidence, computedAt: toString(h.computedAt), source: h.source,
                 evidence: h.evidence} AS tag
         ORDER BY t.dimension, h.weight DESC, t.name
       } END AS tags,
       CASE WHEN current THEN null ELSE COLLECT {
         MATCH (c)-[:MEMBER_OF]->(m:Community) WHERE profiling
         RETURN {communityId: m.communityId, kind: m.kind, size: m.size, algorithm: m.algorithm,
                 dominantInterests: m.dominantInterests} AS community
         ORDER BY m.kind, m.communityId
       } END AS communities
