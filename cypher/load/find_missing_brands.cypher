// Which of the given ids have no Brand node (reference check before a write).
UNWIND $ids AS id
OPTIONAL MATCH (n:Brand {brandId: id})
WITH id, n WHERE n IS NULL
RETURN id
