// Records resolved to the same person (identity resolution) and what they share.
MATCH (a:Customer)-[s:SAME_PERSON_AS]->(b:Customer)
RETURN b.customerId AS person, collect(a.customerId) AS otherRecords, collect(s.via) AS sharedBy
LIMIT 50
