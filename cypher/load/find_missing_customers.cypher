// Which of the given ids have no Customer node (reference check before a write).
UNWIND $ids AS id
OPTIONAL MATCH (n:Customer {customerId: id})
WITH id, n WHERE n IS NULL
RETURN id
