// Tags were written at a time of the caller's choosing (an incremental refresh with an explicit
// "as of") or for some families only (a full refresh with --only or --as-of): no unit's outputs
// are known to be current any more, but the units in $keep (those that depend on neither).
MATCH (s:RefreshState) WHERE s.fingerprint IS NOT NULL AND NOT s.unit IN $keep
REMOVE s.fingerprint
RETURN count(s) AS forgotten
