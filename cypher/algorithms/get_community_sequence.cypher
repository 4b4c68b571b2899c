// The next community number of a kind: numbers are never reused, so a retired id stays retired.
OPTIONAL MATCH (s:IdSequence {name: 'community:' + $kind})
OPTIONAL MATCH (k:Community {kind: $kind})
RETURN coalesce(max(s.next), 0) AS next, coalesce(max(k.number), -1) AS highest
