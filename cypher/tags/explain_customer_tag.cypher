// A customer's tag with its provenance and evidence.
MATCH (c:Customer {customerId: $id})-[h:HAS_TAG]->(t:Tag {name: $tag})
RETURN t.name AS tag, t.family AS family, t.dimension AS dimension, t.description AS description,
       t.sensitive AS sensitive, h.weight AS weight, h.confidence AS confidence,
       toString(h.computedAt) AS computedAt, h.source AS source, h.evidence AS evidence
