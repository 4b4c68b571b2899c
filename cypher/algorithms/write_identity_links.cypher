// SAME_PERSON_AS from each non-canonical record to its person's canonical record, with the
// confidence and evidence of the weighed links that put it in the group.
UNWIND $rows AS row
MATCH (a:Customer {customerId: row.id})
MATCH (b:Customer {customerId: row.canonical})
MERGE (a)-[s:SAME_PERSON_AS]->(b)
SET s.computedAt = datetime($now), s.source = $source, s.via = row.via, s.confidence = row.confidence,
    s.evidence = row.evidence
