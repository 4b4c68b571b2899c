MATCH (c:Customer {customerId: $id})-[h:HAS_TAG]->(t:Tag)
RETURN t.name AS tag, t.dimension AS dimension, h.weight AS weight
ORDER BY t.dimension, h.weight DESC
