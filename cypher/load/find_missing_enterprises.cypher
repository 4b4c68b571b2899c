// Which of the given ids have no Enterprise node (reference check before a write).
UNWIND $ids AS id
OPTIONAL MATCH (n:Enterprise {enterpriseId: id})
WITH id, n WHERE n IS NULL
RETURN id
