// Tags of many enterprises at once (DataLoader batch), one row per enterprise with their tags as a list.
UNWIND $ids AS id
MATCH (e:Enterprise {enterpriseId: id})
RETURN id, COLLECT {
  MATCH (e)-[h:HAS_TAG]->(t:Tag)
  RETURN {name: t.name, dimension: t.dimension, description: t.description, sensitive: t.sensitive,
          weight: h.weight, confidence: h.confidence, computedAt: toString(h.computedAt), source: h.source} AS tag
  ORDER BY t.dimension, h.weight DESC
} AS tags
