// Which of the given ids have no Order node (reference check before a write).
UNWIND $ids AS id
OPTIONAL MATCH (n:Order {orderId: id})
WITH id, n WHERE n IS NULL
RETURN id
