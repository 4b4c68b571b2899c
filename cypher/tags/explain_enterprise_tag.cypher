// t has no :Tag label (every HAS_TAG ends at a Tag) so that the plan starts from the subject, never
// from the tag and every holder of it, whatever the statistics were when it was planned.
MATCH (e:Enterprise {enterpriseId: $id})-[h:HAS_TAG]->(t)
WHERE t.name = $tag
RETURN t.name AS tag, t.family AS family, t.dimension AS dimension, t.description AS description,
       t.sensitive AS sensitive, h.weight AS weight, h.confidence AS confidence,
       toString(h.computedAt) AS computedAt, h.source AS source, h.evidence AS evidence
