// Which of the given ids have no SocialShare node (reference check before a write).
UNWIND $ids AS id
OPTIONAL MATCH (n:SocialShare {shareId: id})
WITH id, n WHERE n IS NULL
RETURN id
