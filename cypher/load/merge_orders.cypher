UNWIND $rows AS row
MERGE (o:Order {orderId: row.orderId})
SET o.placedAt = datetime(row.placedAt), o.total = row.total, o.currency = row.currency,
    o.totalUsd = row.totalUsd, o.status = row.status, o.promo = row.promo, o.device = row.device,
    o.channel = row.channelId
WITH o, row
CALL (o, row) {
  WITH * WHERE row.customerId IS NOT NULL
  MATCH (c:Customer {customerId: row.customerId})
  MERGE (c)-[:PLACED]->(o)
}
CALL (o, row) {
  WITH * WHERE row.enterpriseId IS NOT NULL
  MATCH (e:Enterprise {enterpriseId: row.enterpriseId})
  MERGE (e)-[:PLACED]->(o)
}
CALL (o, row) {
  WITH * WHERE row.channelId IS NOT NULL
  MATCH (ch:Channel {channelId: row.channelId})
  MERGE (o)-[:VIA]->(ch)
}
CALL (o, row) {
  WITH * WHERE row.warehouseId IS NOT NULL
  MATCH (w:Warehouse {warehouseId: row.warehouseId})
  MERGE (o)-[:SHIPPED_FROM]->(w)
}
