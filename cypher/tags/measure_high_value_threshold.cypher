// The 12-month spend that puts a customer in the top 5%: the 95th percentile over every customer
// registered by $now, those who bought nothing in the window counted at 0 (the catalogue promises
// the top 5% of customers, not of the window's buyers). Spend is net: cancelled and returned
// orders do not count. Spend is rounded to the cent (as derive_high_value computes it), and so is
// the threshold: float sums' last bits follow the order the orders are read in.
MATCH (c:Customer) WHERE c.registeredAt IS NULL OR c.registeredAt <= datetime($now)
OPTIONAL MATCH (c)-[:PLACED]->(o:Order)
WHERE o.placedAt <= datetime($now) AND o.placedAt > datetime($now) - duration('P365D')
  AND NOT o.status IN ['cancelled', 'returned']
WITH c, round(sum(coalesce(o.totalUsd, 0.0)), 2) AS spend
RETURN round(percentileCont(spend, 0.95), 2) AS threshold
