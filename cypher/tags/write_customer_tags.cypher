// Writes derived tags: one row per (subject, tag) with weight, confidence, time, source and evidence.
// The family was cleared for these subjects in the same transaction, so the relationship is new:
// CREATE, not MERGE (MERGE would scan the dense Tag node's relationships).
// Consent: a tag is written only where the customer's consents allow its basis (allowedUses).
UNWIND $rows AS row
MATCH (c:Customer {customerId: row.id})
WHERE $basis IN coalesce(c.allowedUses, $defaultUses)
MERGE (t:Tag {name: row.tag})
ON CREATE SET t.family = $family, t.dimension = $dimension, t.description = $description,
              t.sensitive = $sensitive, t.basis = $basis
CREATE (c)-[:HAS_TAG {weight: row.weight, confidence: row.confidence, computedAt: datetime($now),
                      source: $source, evidence: row.evidence}]->(t)
