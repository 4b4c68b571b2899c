// What `ckg load` has done per input file, for the refresh's input fingerprints: how many loads
// wrote rows from it, and the latest. A load may change properties in place without changing any count.
MATCH (l:Load) WHERE coalesce(l.loaded, 0) > 0
RETURN l.file AS file, count(l) AS loads, toString(max(l.at)) AS latest
ORDER BY file
