UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:PLACED]->(o:Order)
WHERE o.placedAt <= datetime($now)
WITH c, o ORDER BY o.placedAt
WITH c, collect(o.placedAt) AS ts
WHERE size(ts) >= 3
WITH c, [i IN range(1, size(ts) - 1) | duration.inDays(ts[i - 1], ts[i]).days] AS gaps
WITH c, gaps, reduce(s = 0.0, g IN gaps | s + g) / size(gaps) AS mean
WITH c, gaps, mean, sqrt(reduce(s = 0.0, g IN gaps | s + (g - mean) ^ 2) / size(gaps)) AS sd
RETURN c.customerId AS id,
       'repurchase_cycle:' + CASE WHEN mean <= 10 THEN 'weekly' WHEN mean <= 45 THEN 'monthly'
         WHEN mean <= 120 THEN 'quarterly' ELSE 'yearly' END AS tag,
       1.0 / (1.0 + CASE WHEN mean > 0 THEN sd / mean ELSE 0 END) AS weight,
       CASE WHEN size(gaps) >= 4 THEN 0.9 ELSE 0.6 END AS confidence,
       ['mean gap ' + toString(round(mean)) + ' days over ' + toString(size(gaps)) + ' gaps'] AS evidence
