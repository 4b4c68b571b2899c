UNWIND $rows AS row
MATCH (c:Customer {customerId: row.customerId})
MERGE (t:SearchTerm {term: row.query})
MERGE (c)-[r:SEARCHED {eventId: row.eventId}]->(t)
SET r.at = datetime(row.at), r.device = row.device
