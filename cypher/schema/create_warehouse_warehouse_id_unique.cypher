CREATE CONSTRAINT warehouse_warehouse_id_unique IF NOT EXISTS
FOR (n:Warehouse) REQUIRE n.warehouseId IS UNIQUE
