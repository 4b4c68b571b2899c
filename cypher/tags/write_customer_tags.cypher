// Writes derived tags: one row per (customer, tag) with weight, confidence and evidence.
UNWIND $rows AS row
MATCH (c:Customer {customerId: row.id})
MERGE (t:Tag {name: row.tag})
ON CREATE SET t.family = $family, t.dimension = $dimension, t.description = $description,
              t.sensitive = $sensitive
MERGE (c)-[h:HAS_TAG]->(t)
SET h.weight = row.weight, h.confidence = row.confidence, h.computedAt = datetime($now),
    h.source = $source, h.evidence = row.evidence
