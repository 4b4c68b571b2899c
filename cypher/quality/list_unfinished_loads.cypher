// Loads that started writing and never finished (failed or interrupted: no report), latest first,
// each with the number of loads that did finish: some of their rows may be in the graph, others
// not, until the load is run again.
CALL () {
  MATCH (l:Load)
  RETURN count(DISTINCT l.loadId) AS finished
}
MATCH (s:LoadStart)
RETURN s.loadId AS loadId, toString(s.at) AS at, s.source AS source, s.files AS files, finished
ORDER BY s.at DESC
