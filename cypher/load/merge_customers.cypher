UNWIND $rows AS row
MERGE (c:Customer {customerId: row.customerId})
SET c.name = row.name, c.email = row.email, c.phone = row.phone, c.gender = row.gender,
    c.birthYear = row.birthYear, c.country = row.country, c.city = row.city,
    c.language = row.language, c.registeredAt = datetime(row.registeredAt), c.device = row.device,
    c.occupation = row.occupation
WITH c, row
CALL (c, row) {
  WITH * WHERE row.deviceId IS NOT NULL
  MERGE (d:Device {deviceId: row.deviceId})
  SET d.type = coalesce(row.device, d.type)
  MERGE (c)-[:USES]->(d)
}
CALL (c, row) {
  WITH * WHERE row.channelId IS NOT NULL
  MATCH (ch:Channel {channelId: row.channelId})
  MERGE (c)-[:ACQUIRED_VIA]->(ch)
}
