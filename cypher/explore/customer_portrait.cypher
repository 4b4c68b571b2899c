// A customer's portrait: every tag by dimension, with weight and evidence.
// In Browser: :param id => 'c0000001'   then run this query.
MATCH (c:Customer {customerId: $id})-[h:HAS_TAG]->(t:Tag)
RETURN t.dimension AS dimension, t.name AS tag, round(h.weight, 3) AS weight, h.confidence AS confidence,
       h.evidence AS evidence
ORDER BY dimension, weight DESC
