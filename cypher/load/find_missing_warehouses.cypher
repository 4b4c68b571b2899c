// Which of the given ids have no Warehouse node (reference check before a write).
UNWIND $ids AS id
OPTIONAL MATCH (n:Warehouse {warehouseId: id})
WITH id, n WHERE n IS NULL
RETURN id
