// Ends the current tags of $families that the derivation no longer yields for these customers
// ($derived: customer id -> the tag names it yields): each becomes HAD_TAG history (reason 'ended').
// A version that began at or after $now (a refresh as of an earlier time) leaves no history.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[h:HAS_TAG]->(t:Tag)
WHERE t.family IN $families AND NOT t.name IN coalesce($derived[id], [])
CALL (c, h, t) {
  WITH * WHERE coalesce(h.since, h.computedAt) < datetime($now)
  CREATE (c)-[:HAD_TAG {validFrom: coalesce(h.since, h.computedAt), validTo: datetime($now), weight: h.weight,
                        confidence: h.confidence, source: h.source, reason: 'ended'}]->(t)
}
DELETE h
RETURN count(*) AS ended
