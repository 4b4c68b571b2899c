// The default "as of" time of a refresh: the newest order or behaviour event, never later than the
// server's clock (a record dated in the future, which loads and the API refuse, cannot move it).
CALL () {
  MATCH (o:Order) WHERE o.placedAt <= datetime() RETURN max(o.placedAt) AS t
  UNION ALL
  MATCH ()-[r:VIEWED|SEARCHED|FAVORITED|ADDED_TO_CART]->() WHERE r.at <= datetime() RETURN max(r.at) AS t
}
RETURN toString(max(t)) AS asOf
