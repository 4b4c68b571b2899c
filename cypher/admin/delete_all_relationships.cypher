// Relationships first, in batches: a node with 300k relationships (a channel, a warehouse) would
// otherwise be deleted with all of them in one inner transaction and exhaust the memory pool.
MATCH ()-[r]->()
CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS
