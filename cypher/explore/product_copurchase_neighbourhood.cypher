// Products most often bought by the same customers as a given product.
// In Browser: :param sku => 'sku-000001'
MATCH (p:Product {sku: $sku})<-[:CONTAINS]-(:Order)<-[:PLACED]-(c:Customer)-[:PLACED]->(:Order)-[:CONTAINS]->(q:Product)
WHERE q <> p
WITH p, q, count(DISTINCT c) AS buyers ORDER BY buyers DESC LIMIT 15
MATCH (q)-[:IN_CATEGORY]->(cat:Category)
RETURN p.name AS product, q.sku AS sku, q.name AS alsoBought, cat.name AS category, buyers
