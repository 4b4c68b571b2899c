// Which of the given ids have no Product node (reference check before a write).
UNWIND $ids AS id
OPTIONAL MATCH (n:Product {sku: id})
WITH id, n WHERE n IS NULL
RETURN id
