// Top 5% of customers by 12-month spend, net of cancelled and returned orders; $threshold from
// measure_high_value_threshold (over every customer). Nothing spent is never high value. Spend is
// rounded to the cent, as the threshold's: a float sum's last bits follow the order the orders are
// read in, and a customer at the percentile would otherwise flip between refreshes.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:PLACED]->(o:Order)
WHERE o.placedAt <= datetime($now) AND o.placedAt > datetime($now) - duration('P365D')
  AND NOT o.status IN ['cancelled', 'returned']
WITH c, round(sum(o.totalUsd), 2) AS spend
WHERE spend > 0 AND spend >= $threshold
RETURN c.customerId AS id, 'high_value' AS tag, 1.0 AS weight, 0.9 AS confidence,
       [toString(round(spend)) + ' USD over 12 months (cancelled and returned orders excluded), top 5% from '
        + toString(round($threshold))] AS evidence
