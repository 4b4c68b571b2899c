MATCH (a:Customer)-[:SAME_PERSON_AS]->(b:Customer)
RETURN a.customerId AS id, b.customerId AS canonical
