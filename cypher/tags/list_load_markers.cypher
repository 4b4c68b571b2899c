// What `ckg load` has done per input file, for the refresh's input fingerprints: how many loads
// wrote rows from it, the latest, and how many started on it and never finished (failed or
// interrupted, no report: they may have written rows). A load may change properties in place
// without changing any count.
CALL () {
  MATCH (l:Load) WHERE coalesce(l.loaded, 0) > 0
  RETURN l.file AS file, l.at AS at, 0 AS unfinished
  UNION ALL
  MATCH (s:LoadStart)
  UNWIND s.files AS file
  RETURN file, s.at AS at, 1 AS unfinished
}
RETURN file, count(*) - sum(unfinished) AS loads, sum(unfinished) AS unfinished, toString(max(at)) AS latest
ORDER BY file
