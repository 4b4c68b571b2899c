// A load ended and its (:Load) report is written: its start record is no longer needed, nor those of
// earlier loads of the same source that never finished and read no file this one did not read (this
// load wrote again every row they could have written: loading is idempotent).
MATCH (s:LoadStart {loadId: $loadId})
OPTIONAL MATCH (earlier:LoadStart)
  WHERE earlier <> s AND earlier.source = s.source AND earlier.at <= s.at
    AND all(file IN earlier.files WHERE file IN s.files)
WITH s, collect(earlier) AS superseded
FOREACH (e IN superseded | DELETE e)
DELETE s
RETURN 1 + size(superseded) AS removed
