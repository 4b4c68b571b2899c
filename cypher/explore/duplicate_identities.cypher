// Records resolved to the same person (identity resolution): what they share, how sure, and why.
MATCH (a:Customer)-[s:SAME_PERSON_AS]->(b:Customer)
RETURN b.customerId AS person, collect(a.customerId) AS otherRecords, collect(s.via) AS sharedBy,
       collect(s.confidence) AS confidence, collect(s.evidence) AS evidence
LIMIT 50
