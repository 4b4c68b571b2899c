// Quality of the customers each acquisition channel brings; the mean P(alive) is over customers who
// allow profiling (graph.consent).
MATCH (ch:Channel)<-[:ACQUIRED_VIA]-(c:Customer)
OPTIONAL MATCH (c)-[:PLACED]->(o:Order)
WITH ch, c, count(o) AS orders, sum(coalesce(o.totalUsd, 0)) AS spend
RETURN ch.channelId AS channel, ch.name AS name, count(c) AS customers,
       sum(CASE WHEN orders > 0 THEN 1 ELSE 0 END) * 1.0 / count(c) AS buyerRate,
       sum(CASE WHEN orders > 1 THEN 1 ELSE 0 END) * 1.0 / count(c) AS repeatRate,
       avg(spend) AS spendPerCustomer,
       avg(CASE WHEN coalesce('profiling' IN c.allowedUses, true) THEN c.pAlive END) AS meanPAlive
ORDER BY spendPerCustomer DESC
