// Pairs declared not the same person (ckg identity unlink), everyone's or among $ids.
MATCH (a:Customer)-[:NOT_SAME_PERSON]->(b:Customer)
WHERE $ids IS NULL OR (a.customerId IN $ids AND b.customerId IN $ids)
RETURN a.customerId AS a, b.customerId AS b
