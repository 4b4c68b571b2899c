UNWIND $rows AS row
MATCH (o:Order {orderId: row.orderId})
MATCH (p:Product {sku: row.sku})
MERGE (o)-[r:CONTAINS]->(p)
SET r.quantity = row.quantity, r.unitPrice = row.unitPrice
