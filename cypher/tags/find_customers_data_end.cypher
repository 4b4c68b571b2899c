// The "as of" of an incremental refresh: the newest order or behaviour event of these customers
// (never later than the server's clock), or $known (the whole graph's, read recently) if newer.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
CALL (c) {
  MATCH (c)-[:PLACED]->(o:Order) WHERE o.placedAt <= datetime() RETURN max(o.placedAt) AS t
  UNION ALL
  MATCH (c)-[r:VIEWED|SEARCHED|FAVORITED|ADDED_TO_CART]->() WHERE r.at <= datetime() RETURN max(r.at) AS t
}
WITH max(t) AS own
RETURN toString(CASE WHEN own IS NULL OR datetime($known) >= own THEN datetime($known) ELSE own END) AS asOf
