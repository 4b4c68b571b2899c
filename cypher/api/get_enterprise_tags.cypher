UNWIND $ids AS id
MATCH (e:Enterprise {enterpriseId: id})-[h:HAS_TAG]->(t:Tag)
RETURN id, t.name AS name, t.dimension AS dimension, t.description AS description, t.sensitive AS sensitive,
       h.weight AS weight, h.confidence AS confidence, toString(h.computedAt) AS computedAt, h.source AS source
ORDER BY id, t.dimension, h.weight DESC
