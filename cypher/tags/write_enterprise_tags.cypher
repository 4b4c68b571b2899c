UNWIND $rows AS row
MATCH (e:Enterprise {enterpriseId: row.id})
MERGE (t:Tag {name: row.tag})
ON CREATE SET t.family = $family, t.dimension = $dimension, t.description = $description,
              t.sensitive = $sensitive
MERGE (e)-[h:HAS_TAG]->(t)
SET h.weight = row.weight, h.confidence = row.confidence, h.computedAt = datetime($now),
    h.source = $source, h.evidence = row.evidence
