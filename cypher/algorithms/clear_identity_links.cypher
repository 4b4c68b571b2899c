// SAME_PERSON_AS links of everyone ($ids null) or among the given records.
MATCH (a:Customer)-[s:SAME_PERSON_AS]->(b:Customer)
WHERE $ids IS NULL OR (a.customerId IN $ids AND b.customerId IN $ids)
DELETE s
