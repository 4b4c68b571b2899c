// The fingerprint of each refresh unit's inputs at its last successful run (graph.tags.fingerprint).
MATCH (s:RefreshState)
RETURN s.unit AS unit, s.fingerprint AS fingerprint, s.value AS value, s.inputs AS inputs
