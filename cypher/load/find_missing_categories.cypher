// Which of the given ids have no Category node (reference check before a write).
UNWIND $ids AS id
OPTIONAL MATCH (n:Category {categoryId: id})
WITH id, n WHERE n IS NULL
RETURN id
