// A load ended and its (:Load) report is written: its start record is no longer needed.
MATCH (s:LoadStart {loadId: $loadId})
DELETE s
RETURN count(s) AS removed
