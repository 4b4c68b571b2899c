// Each customer's most similar customers; a link counts only where both ends allow profiling
// (graph.consent).
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[s:SIMILAR_TO]-(o:Customer)
WHERE coalesce('profiling' IN c.allowedUses, true) AND coalesce('profiling' IN o.allowedUses, true)
WITH id, o.customerId AS other, max(s.score) AS score
ORDER BY id, score DESC, other
WITH id, collect({id: other, score: score})[0..$first] AS similar
UNWIND similar AS s
RETURN id, s.id AS other, s.score AS score
