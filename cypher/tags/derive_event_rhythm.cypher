// One pass over the customer's behaviour events, for the families active_hours (all events, the
// time of day most of them fall in) and activity_30d (events in the 30 days before $now): each
// family is one branch below.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
CALL (c) {
  OPTIONAL MATCH (c)-[e:VIEWED|SEARCHED|FAVORITED|ADDED_TO_CART]->()
  RETURN collect(e.at) AS ats
}
CALL (c, ats) {
  // active_hours: the band (UTC) with the most events, three events at least
  UNWIND ats AS at
  WITH CASE WHEN at.hour < 6 THEN 'night' WHEN at.hour < 12 THEN 'morning' WHEN at.hour < 18 THEN 'afternoon'
         ELSE 'evening' END AS band, count(*) AS n
  WITH band, n ORDER BY n DESC
  WITH collect({band: band, n: n})[0] AS top, sum(n) AS total WHERE total >= 3
  RETURN 'active_hours:' + top.band AS tag, top.n * 1.0 / total AS weight,
         CASE WHEN total >= 10 THEN 0.9 ELSE 0.6 END AS confidence,
         [toString(top.n) + ' of ' + toString(total) + ' events in the ' + top.band] AS evidence
  UNION ALL
  // activity_30d: events in the 30 days before $now / 20, capped at 1 (dormant: none)
  WITH size([at IN ats WHERE at > datetime($now) - duration('P30D') AND at <= datetime($now)]) AS n
  RETURN 'activity_30d:' + CASE WHEN n >= 10 THEN 'high' WHEN n >= 3 THEN 'medium' WHEN n >= 1 THEN 'low'
           ELSE 'dormant' END AS tag,
         CASE WHEN n >= 20 THEN 1.0 ELSE CASE WHEN n = 0 THEN 1.0 ELSE n / 20.0 END END AS weight,
         1.0 AS confidence, [toString(n) + ' events in the 30 days before ' + $now] AS evidence
}
RETURN c.customerId AS id, tag, weight, confidence, evidence
