// Node counts per label (from the count store: fast on any size).
CALL db.labels() YIELD label
CALL (label) {
  MATCH (n) WHERE label IN labels(n)
  RETURN count(n) AS n
}
RETURN label, n
