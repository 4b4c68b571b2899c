// Writes derived tags: one row per (subject, tag) with weight, confidence, time, source and evidence.
// The family was cleared for these subjects in the same transaction, so the relationship is new:
// CREATE, not MERGE (MERGE would scan the dense Tag node's relationships).
UNWIND $rows AS row
MATCH (c:Enterprise {enterpriseId: row.id})
MERGE (t:Tag {name: row.tag})
ON CREATE SET t.family = $family, t.dimension = $dimension, t.description = $description,
              t.sensitive = $sensitive, t.basis = $basis
CREATE (c)-[:HAS_TAG {weight: row.weight, confidence: row.confidence, computedAt: datetime($now),
                      source: $source, evidence: row.evidence}]->(t)
