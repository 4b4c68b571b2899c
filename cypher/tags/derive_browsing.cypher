// One pass over the customer's browsing (behaviour events, and purchases for interest), for the
// families active_hours, activity_30d, search_interest and interest: each is one branch below.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
CALL (c) {
  // active_hours and activity_30d: every behaviour event read once
  CALL (c) {
    OPTIONAL MATCH (c)-[e:VIEWED|SEARCHED|FAVORITED|ADDED_TO_CART]->()
    RETURN collect(e.at) AS ats
  }
  CALL (c, ats) {
    // active_hours: the band (UTC) with the most events, three events at least
    UNWIND ats AS at
    WITH CASE WHEN at.hour < 6 THEN 'night' WHEN at.hour < 12 THEN 'morning' WHEN at.hour < 18 THEN 'afternoon'
           ELSE 'evening' END AS band, count(*) AS n
    WITH band, n ORDER BY n DESC, band
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
  RETURN tag, weight, confidence, evidence
  UNION ALL
  // search_interest
  MATCH (c)-[e:SEARCHED]->(t:SearchTerm)
  WHERE e.at <= datetime($now)
  WITH c, t, sum(0.5 ^ (duration.inDays(e.at, datetime($now)).days / $halfLifeDays)) AS s, count(e) AS n
  WHERE s >= 0.25
  RETURN 'search_interest:' + t.term AS tag, s / (s + 1.0) AS weight,
         CASE WHEN n >= 2 THEN 0.8 ELSE 0.5 END AS confidence,
         [toString(n) + ' searches for "' + t.term + '"'] AS evidence
  UNION ALL
  // interest: click and purchase preference per leaf category, with recency decay
  CALL (c) {
    MATCH (c)-[e:VIEWED|FAVORITED|ADDED_TO_CART]->(p:Product)
    WHERE e.at <= datetime($now)
    RETURN p, e.at AS at, CASE type(e) WHEN 'VIEWED' THEN 1.0 WHEN 'FAVORITED' THEN 2.0 ELSE 3.0 END AS w,
           type(e) AS kind
    UNION ALL
    MATCH (c)-[:PLACED]->(o:Order)-[:CONTAINS]->(p:Product)
    WHERE o.placedAt <= datetime($now)
    RETURN p, o.placedAt AS at, 5.0 AS w, 'ORDERED' AS kind
  }
  MATCH (p)-[:IN_CATEGORY]->(leaf:Category)-[:SUBCATEGORY_OF*0..]->(top:Category)
  WHERE NOT (top)-[:SUBCATEGORY_OF]->()
  WITH c, leaf, top, sum(w * 0.5 ^ (duration.inDays(at, datetime($now)).days / $halfLifeDays)) AS s,
       collect(kind) AS kinds
  WHERE s >= 1.0
  RETURN 'interest:' + top.name + ' > ' + leaf.name AS tag, s / (s + 3.0) AS weight,
         CASE WHEN size(kinds) >= 3 THEN 0.9 ELSE 0.6 END AS confidence,
         [k IN ['VIEWED', 'FAVORITED', 'ADDED_TO_CART', 'ORDERED'] WHERE k IN kinds |
            k + ' x' + toString(size([x IN kinds WHERE x = k]))] AS evidence
}
RETURN c.customerId AS id, tag, weight, confidence, evidence
