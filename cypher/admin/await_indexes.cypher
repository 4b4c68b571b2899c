// Blocks until every index is online (new constraints build their backing index).
CALL db.awaitIndexes(300)
