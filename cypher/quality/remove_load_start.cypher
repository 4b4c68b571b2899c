// A load ended and its (:Load) report is written: its start record is no longer needed. With
// $supersede (the load read every file to the end), neither are the start records of earlier loads
// that never finished and read only files this load read again unchanged (the same path, size and
// modification time): this load wrote again every row they could have written (loading is idempotent).
MATCH (s:LoadStart {loadId: $loadId})
OPTIONAL MATCH (earlier:LoadStart)
  WHERE $supersede AND earlier <> s AND earlier.at <= s.at AND earlier.versions IS NOT NULL
    AND all(version IN earlier.versions WHERE version IN s.versions)
WITH s, collect(earlier) AS superseded
FOREACH (e IN superseded | DELETE e)
DELETE s
RETURN 1 + size(superseded) AS removed
