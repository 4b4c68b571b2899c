UNWIND $rows AS row
MATCH (a:Customer {customerId: row.id})
MATCH (b:Customer {customerId: row.canonical})
MERGE (a)-[s:SAME_PERSON_AS]->(b)
SET s.computedAt = datetime($now), s.source = $source, s.via = row.via
