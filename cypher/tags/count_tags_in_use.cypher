// Distinct tags in use, per dimension.
MATCH (t:Tag)<-[:HAS_TAG]-()
WITH t.dimension AS dimension, t.name AS name, count(*) AS holders
RETURN dimension, count(name) AS tags, sum(holders) AS assignments
ORDER BY dimension
