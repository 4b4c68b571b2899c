// Product pairs bought by the same customer (up to 15 distinct products each), weighted by buyers.
MATCH (c:Customer)-[:PLACED]->(:Order)-[:CONTAINS]->(p:Product)
WITH c, p.sku AS sku ORDER BY c.customerId, sku
WITH c, collect(DISTINCT sku)[0..15] AS skus
UNWIND range(0, size(skus) - 2) AS i
UNWIND range(i + 1, size(skus) - 1) AS j
WITH CASE WHEN skus[i] < skus[j] THEN skus[i] ELSE skus[j] END AS source,
     CASE WHEN skus[i] < skus[j] THEN skus[j] ELSE skus[i] END AS target
RETURN source, target, count(*) AS weight ORDER BY source, target
