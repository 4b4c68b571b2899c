UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[s:SIMILAR_TO]-(o:Customer)
WITH id, o.customerId AS other, max(s.score) AS score
ORDER BY id, score DESC, other
WITH id, collect({id: other, score: score})[0..$first] AS similar
UNWIND similar AS s
RETURN id, s.id AS other, s.score AS score
