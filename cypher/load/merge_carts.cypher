// Behaviour events keep their id on the relationship, so a re-load never duplicates them.
UNWIND $rows AS row
MATCH (c:Customer {customerId: row.customerId})
MATCH (p:Product {sku: row.sku})
MERGE (c)-[r:ADDED_TO_CART {eventId: row.eventId}]->(p)
SET r.at = datetime(row.at), r.device = row.device
