// References are resolved here, not by a query per reference: a row naming a customer, enterprise,
// channel or warehouse that has no node is not written and comes back (line, first missing field).
UNWIND $rows AS row
OPTIONAL MATCH (c:Customer {customerId: row.customerId})
OPTIONAL MATCH (e:Enterprise {enterpriseId: row.enterpriseId})
OPTIONAL MATCH (ch:Channel {channelId: row.channelId})
OPTIONAL MATCH (w:Warehouse {warehouseId: row.warehouseId})
WITH row, c, e, ch, w,
     CASE WHEN row.customerId IS NOT NULL AND c IS NULL THEN 'customerId'
          WHEN row.enterpriseId IS NOT NULL AND e IS NULL THEN 'enterpriseId'
          WHEN row.channelId IS NOT NULL AND ch IS NULL THEN 'channelId'
          WHEN row.warehouseId IS NOT NULL AND w IS NULL THEN 'warehouseId' END AS missing
CALL (row, c, e, ch, w, missing) {
  WITH * WHERE missing IS NULL
  MERGE (o:Order {orderId: row.orderId})
  SET o.placedAt = datetime(row.placedAt), o.total = row.total, o.currency = row.currency,
      o.totalUsd = row.totalUsd, o.status = row.status, o.promo = row.promo, o.device = row.device,
      o.channel = row.channelId
  WITH o, c, e, ch, w
  CALL (o, c) {
    WITH * WHERE c IS NOT NULL
    MERGE (c)-[:PLACED]->(o)
  }
  CALL (o, e) {
    WITH * WHERE e IS NOT NULL
    MERGE (e)-[:PLACED]->(o)
  }
  CALL (o, ch) {
    WITH * WHERE ch IS NOT NULL
    MERGE (o)-[:VIA]->(ch)
  }
  CALL (o, w) {
    WITH * WHERE w IS NOT NULL
    MERGE (o)-[:SHIPPED_FROM]->(w)
  }
}
WITH row, missing WHERE missing IS NOT NULL
RETURN row.line AS line, missing
