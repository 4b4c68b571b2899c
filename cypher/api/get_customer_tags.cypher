// Tags of many customers at once (DataLoader batch), one row per customer with their tags as a list:
// a row is a Bolt message the driver decodes on its own, so 50 customers cost 50 rather than ~900.
// Sensitive tags only when allowed.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
RETURN id, COLLECT {
  MATCH (c)-[h:HAS_TAG]->(t:Tag)
  WHERE $includeSensitive OR NOT coalesce(t.sensitive, false)
  RETURN {name: t.name, dimension: t.dimension, description: t.description, sensitive: t.sensitive,
          weight: h.weight, confidence: h.confidence, computedAt: toString(h.computedAt), source: h.source} AS tag
  ORDER BY t.dimension, h.weight DESC
} AS tags
