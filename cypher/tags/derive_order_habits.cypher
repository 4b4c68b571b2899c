// One pass over the customer's orders up to $now, for the families purchasing_power,
// marketing_sensitivity and repurchase_cycle: each family is one branch below.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
CALL (c) {
  MATCH (c)-[:PLACED]->(o:Order) WHERE o.placedAt <= datetime($now)
  RETURN collect(o) AS orders
}
WITH c, orders WHERE size(orders) > 0
CALL (c, orders) {
  // purchasing_power: yearly spend band in USD (cancelled orders do not count)
  WITH [o IN orders WHERE o.placedAt > datetime($now) - duration('P365D') AND o.status <> 'cancelled'] AS year
  // to the cent: the sum's last bits depend on the order the orders are read in
  WITH round(reduce(s = 0.0, o IN year | s + o.totalUsd), 2) AS spend, size(year) AS n WHERE n > 0
  RETURN 'purchasing_power:' + CASE WHEN spend >= 1500 THEN 'premium' WHEN spend >= 500 THEN 'high'
           WHEN spend >= 150 THEN 'medium' ELSE 'low' END AS tag,
         1.0 AS weight, CASE WHEN n >= 3 THEN 0.9 ELSE 0.6 END AS confidence,
         [toString(round(spend)) + ' USD in ' + toString(n) + ' orders over 12 months'] AS evidence
  UNION ALL
  // marketing_sensitivity: share of orders placed with a promotion (two orders at least)
  WITH size(orders) AS n, size([o IN orders WHERE o.promo]) AS promo
  WITH n, promo, promo * 1.0 / n AS share WHERE n >= 2
  RETURN 'marketing_sensitivity:' + CASE WHEN share >= 0.5 THEN 'high' WHEN share >= 0.2 THEN 'medium'
           ELSE 'low' END AS tag,
         CASE WHEN share >= 0.2 THEN share ELSE 1.0 - share END AS weight,
         CASE WHEN n >= 5 THEN 0.9 ELSE 0.6 END AS confidence,
         [toString(promo) + ' of ' + toString(n) + ' orders with a promotion'] AS evidence
  UNION ALL
  // repurchase_cycle: typical days between purchases (three orders at least)
  UNWIND orders AS o
  WITH o.placedAt AS at ORDER BY at
  WITH collect(at) AS ts WHERE size(ts) >= 3
  WITH [i IN range(1, size(ts) - 1) | duration.inDays(ts[i - 1], ts[i]).days] AS gaps
  WITH gaps, reduce(s = 0.0, g IN gaps | s + g) / size(gaps) AS mean
  WITH gaps, mean, sqrt(reduce(s = 0.0, g IN gaps | s + (g - mean) ^ 2) / size(gaps)) AS sd
  RETURN 'repurchase_cycle:' + CASE WHEN mean <= 10 THEN 'weekly' WHEN mean <= 45 THEN 'monthly'
           WHEN mean <= 120 THEN 'quarterly' ELSE 'yearly' END AS tag,
         1.0 / (1.0 + CASE WHEN mean > 0 THEN sd / mean ELSE 0 END) AS weight,
         CASE WHEN size(gaps) >= 4 THEN 0.9 ELSE 0.6 END AS confidence,
         ['mean gap ' + toString(round(mean)) + ' days over ' + toString(size(gaps)) + ' gaps'] AS evidence
}
RETURN c.customerId AS id, tag, weight, confidence, evidence
