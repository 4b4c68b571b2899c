// The newest order or behaviour event: the default "as of" time of a refresh.
CALL () {
  MATCH (o:Order) RETURN max(o.placedAt) AS t
  UNION ALL
  MATCH ()-[r:VIEWED]->() RETURN max(r.at) AS t
}
RETURN toString(max(t)) AS asOf
