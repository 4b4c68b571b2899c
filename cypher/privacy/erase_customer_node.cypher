// Erasure, step 2: the customer and every relationship left (events, tags and tag history,
// communities, links).
MATCH (c:Customer {customerId: $id})
DETACH DELETE c
RETURN count(c) AS deleted
