UNWIND $rows AS row
MERGE (w:Warehouse {warehouseId: row.warehouseId})
SET w.country = row.country, w.city = row.city
