// References are resolved here: a row whose channel has no node is not written and comes back
// (line, missing field) to be rejected.
UNWIND $rows AS row
OPTIONAL MATCH (ch:Channel {channelId: row.channelId})
WITH row, ch, CASE WHEN row.channelId IS NOT NULL AND ch IS NULL THEN 'channelId' END AS missing
CALL (row, ch, missing) {
  WITH * WHERE missing IS NULL
  MERGE (c:Customer {customerId: row.customerId})
  SET c.name = row.name, c.email = row.email, c.phone = row.phone, c.gender = row.gender,
      c.birthYear = row.birthYear, c.country = row.country, c.city = row.city,
      c.language = row.language, c.registeredAt = datetime(row.registeredAt), c.device = row.device,
      c.occupation = row.occupation
  WITH c, row, ch
  CALL (c, row) {
    WITH * WHERE row.deviceId IS NOT NULL
    MERGE (d:Device {deviceId: row.deviceId})
    SET d.type = coalesce(row.device, d.type)
    MERGE (c)-[:USES]->(d)
  }
  CALL (c, ch) {
    WITH * WHERE ch IS NOT NULL
    MERGE (c)-[:ACQUIRED_VIA]->(ch)
  }
}
WITH row, missing WHERE missing IS NOT NULL
RETURN row.line AS line, missing
