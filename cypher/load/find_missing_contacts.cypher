// Which of the given ids have no Contact node (reference check before a write).
UNWIND $ids AS id
OPTIONAL MATCH (n:Contact {contactId: id})
WITH id, n WHERE n IS NULL
RETURN id
