UNWIND $rows AS row
MATCH (a:Customer {customerId: row.source})
MATCH (b:Customer {customerId: row.target})
MERGE (a)-[s:SIMILAR_TO]->(b)
SET s.score = row.score, s.computedAt = datetime($now), s.source = $source
