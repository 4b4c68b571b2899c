// Quintile cut points of recency (days), frequency (orders) and monetary (USD, to the cent, as
// derive_rfm_segment computes it) over all buyers.
MATCH (c:Customer)-[:PLACED]->(o:Order)
WHERE o.placedAt <= datetime($now) AND o.status <> 'cancelled'
WITH c, duration.inDays(max(o.placedAt), datetime($now)).days AS r, count(o) AS f, round(sum(o.totalUsd), 2) AS m
RETURN [percentileDisc(r, 0.2), percentileDisc(r, 0.4), percentileDisc(r, 0.6), percentileDisc(r, 0.8)] AS r,
       [percentileDisc(f, 0.2), percentileDisc(f, 0.4), percentileDisc(f, 0.6), percentileDisc(f, 0.8)] AS f,
       [percentileDisc(m, 0.2), percentileDisc(m, 0.4), percentileDisc(m, 0.6), percentileDisc(m, 0.8)] AS m
