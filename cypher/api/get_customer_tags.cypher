// Tags of many customers at once (DataLoader batch); sensitive tags only when allowed.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[h:HAS_TAG]->(t:Tag)
WHERE $includeSensitive OR NOT coalesce(t.sensitive, false)
RETURN id, t.name AS name, t.dimension AS dimension, t.description AS description, t.sensitive AS sensitive,
       h.weight AS weight, h.confidence AS confidence, toString(h.computedAt) AS computedAt, h.source AS source
ORDER BY id, t.dimension, h.weight DESC
