// Which of the given ids have no Channel node (reference check before a write).
UNWIND $ids AS id
OPTIONAL MATCH (n:Channel {channelId: id})
WITH id, n WHERE n IS NULL
RETURN id
