// Ends the current tags of $families that the derivation no longer yields for these enterprises
// ($derived: enterprise id -> the tag names it yields): each becomes HAD_TAG history (reason 'ended').
// A version that began at or after $now (a refresh as of an earlier time) leaves no history.
// No :Tag label on t (every HAS_TAG ends at a Tag): with it, a plan made while the graph held few
// tags (the first refresh after a load) starts from the families' Tag nodes and walks every holder
// of them for each id, which grows with the tags written; without it the only start is the id.
UNWIND $ids AS id
MATCH (c:Enterprise {enterpriseId: id})-[h:HAS_TAG]->(t)
WHERE t.family IN $families AND NOT t.name IN coalesce($derived[id], [])
CALL (c, h, t) {
  WITH * WHERE coalesce(h.since, h.computedAt) < datetime($now)
  CREATE (c)-[:HAD_TAG {validFrom: coalesce(h.since, h.computedAt), validTo: datetime($now), weight: h.weight,
                        confidence: h.confidence, source: h.source, reason: 'ended'}]->(t)
}
DELETE h
RETURN count(*) AS ended
