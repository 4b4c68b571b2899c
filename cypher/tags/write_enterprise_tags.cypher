// Writes only what changed. One row per derived (enterprise, tag); $meta holds each family's tag
// properties and source, $step the weight move that starts a new version (graph.tags.refresh):
// - a tag the enterprise does not hold: a new HAS_TAG whose version begins now (since, sinceWeight);
// - a held tag whose weight moved more than $step from the weight its version began with: the old
//   version becomes HAD_TAG history (reason 'weight_changed') and a new version begins now;
// - a held tag whose values differ otherwise: updated in place (computedAt = when last written);
// - a held tag with the same values: nothing is written.
UNWIND $rows AS row
MATCH (c:Enterprise {enterpriseId: row.id})
WITH c, row, $meta[row.family] AS m
MERGE (t:Tag {name: row.tag})
ON CREATE SET t.family = row.family, t.dimension = m.dimension, t.description = m.description,
              t.sensitive = m.sensitive, t.basis = m.basis
WITH c, row, m, t
OPTIONAL MATCH (c)-[h:HAS_TAG]->(t)
WITH c, row, m, t, h
WHERE h IS NULL OR h.since IS NULL OR h.sinceWeight IS NULL OR abs(h.weight - row.weight) > 1e-9
   OR h.confidence <> row.confidence OR h.evidence <> row.evidence OR h.source <> m.source
CALL (c, row, m, t, h) {
  WITH * WHERE h IS NULL
  CREATE (c)-[:HAS_TAG {since: datetime($now), sinceWeight: row.weight, weight: row.weight,
                        confidence: row.confidence, computedAt: datetime($now), source: m.source,
                        evidence: row.evidence}]->(t)
}
CALL (c, row, t, h) {
  WITH * WHERE h IS NOT NULL AND abs(row.weight - coalesce(h.sinceWeight, h.weight)) > $step
    AND coalesce(h.since, h.computedAt) < datetime($now)
  CREATE (c)-[:HAD_TAG {validFrom: coalesce(h.since, h.computedAt), validTo: datetime($now), weight: h.weight,
                        confidence: h.confidence, source: h.source, reason: 'weight_changed'}]->(t)
  SET h.since = datetime($now), h.sinceWeight = row.weight
}
CALL (row, m, h) {
  WITH * WHERE h IS NOT NULL
  SET h.since = coalesce(h.since, h.computedAt), h.sinceWeight = coalesce(h.sinceWeight, h.weight),
      h.weight = row.weight, h.confidence = row.confidence, h.evidence = row.evidence, h.source = m.source,
      h.computedAt = datetime($now)
}
RETURN count(*) AS written
