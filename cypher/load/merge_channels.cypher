UNWIND $rows AS row
MERGE (c:Channel {channelId: row.channelId})
SET c.name = row.name, c.kind = row.kind
