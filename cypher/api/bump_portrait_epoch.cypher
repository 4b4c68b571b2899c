// Every portrait may have changed (a full refresh, an erasure's neighbours): the epoch moves, so
// every cached portrait in every API worker is re-read.
MERGE (k:ChangeCounter {name: 'portraits'})
SET k.seq = coalesce(k.seq, 0) + 1
SET k.epoch = k.seq
RETURN k.seq AS seq
