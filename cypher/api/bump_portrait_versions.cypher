// These customers' portraits changed: each gets the next number of the one counter, so caches in
// every API worker (and subscriptions) see a new version on their next read.
MERGE (k:ChangeCounter {name: 'portraits'})
SET k.seq = coalesce(k.seq, 0) + 1
WITH k.seq AS seq
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
SET c.portraitVersion = seq
RETURN seq, count(c) AS customers
