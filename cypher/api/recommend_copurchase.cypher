// Products bought by customers who bought what this customer bought.
MATCH (c:Customer {customerId: $id})-[:PLACED]->(:Order)-[:CONTAINS]->(p:Product)
WITH c, collect(DISTINCT p) AS mine
UNWIND mine AS p
MATCH (p)<-[:CONTAINS]-(:Order)<-[:PLACED]-(other:Customer)-[:PLACED]->(:Order)-[:CONTAINS]->(rec:Product)
WHERE other <> c AND NOT rec IN mine
RETURN rec.sku AS sku, rec.name AS name, rec.price AS price, count(*) AS score
ORDER BY score DESC, sku LIMIT $limit
