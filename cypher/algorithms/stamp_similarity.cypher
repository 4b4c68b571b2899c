// When and by what the SIMILAR_TO links GDS just wrote (write_knn) were computed.
MATCH (:Customer)-[s:SIMILAR_TO]->(:Customer)
WHERE s.computedAt IS NULL
CALL (s) { SET s.computedAt = datetime($now), s.source = $source } IN TRANSACTIONS OF 20000 ROWS
