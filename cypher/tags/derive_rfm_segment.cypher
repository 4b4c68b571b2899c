// Monetary is rounded to the cent, here as in measure_rfm_cuts: a float sum depends on the order
// the orders are read in (which changes when a customer gains tags), and a customer whose value
// is a cut point would otherwise move between quintiles on an unchanged graph.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:PLACED]->(o:Order)
WHERE o.placedAt <= datetime($now) AND o.status <> 'cancelled'
WITH c, duration.inDays(max(o.placedAt), datetime($now)).days AS r, count(o) AS f, round(sum(o.totalUsd), 2) AS m
WITH c, r, f, m,
     5 - size([x IN $cuts.r WHERE r > x]) AS rs,
     1 + size([x IN $cuts.f WHERE f > x]) AS fs,
     1 + size([x IN $cuts.m WHERE m > x]) AS ms
WITH c, r, f, m, rs, fs, ms,
     CASE WHEN rs >= 4 AND fs >= 4 AND ms >= 4 THEN 'champions'
          WHEN rs >= 3 AND fs >= 3 THEN 'loyal'
          WHEN rs >= 4 AND fs <= 2 AND f = 1 THEN 'new'
          WHEN rs >= 3 THEN 'potential'
          WHEN rs = 2 AND fs >= 3 THEN 'at_risk'
          WHEN rs = 2 THEN 'hibernating'
          ELSE 'lost' END AS segment
RETURN c.customerId AS id, 'rfm_segment:' + segment AS tag, (rs + fs + ms) / 15.0 AS weight, 1.0 AS confidence,
       ['R' + toString(rs) + ' F' + toString(fs) + ' M' + toString(ms) + ': last order ' + toString(r) +
        ' days ago, ' + toString(f) + ' orders, ' + toString(round(m)) + ' USD'] AS evidence
