MATCH (s:Segment {name: $name})
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
MERGE (c)-[:IN_SEGMENT]->(s)
