// Tags were written outside a full refresh at a time of the caller's choosing (an incremental
// refresh with an explicit "as of"): no unit's outputs are known to be current any more.
MATCH (s:RefreshState) WHERE s.fingerprint IS NOT NULL
REMOVE s.fingerprint
RETURN count(s) AS forgotten
