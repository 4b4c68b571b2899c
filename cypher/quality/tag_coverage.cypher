// Per dimension, how many customers hold at least one of its tags. Sensitive tags never count: who
// holds them is an admin's knowledge only, not even as a number.
MATCH (c:Customer)
WITH count(c) AS total
MATCH (c:Customer)-[:HAS_TAG]->(t:Tag)
WHERE NOT coalesce(t.sensitive, false)
WITH total, t.dimension AS dimension, count(DISTINCT c) AS covered
RETURN dimension, covered, total
ORDER BY dimension
