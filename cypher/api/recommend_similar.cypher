// Products bought by the customer's most similar customers.
MATCH (c:Customer {customerId: $id})-[s:SIMILAR_TO]-(o:Customer)
WHERE coalesce('profiling' IN c.allowedUses, true) AND coalesce('profiling' IN o.allowedUses, true)
MATCH (o)-[:PLACED]->(:Order)-[:CONTAINS]->(rec:Product)
WHERE NOT EXISTS { (c)-[:PLACED]->(:Order)-[:CONTAINS]->(rec) }
RETURN rec.sku AS sku, rec.name AS name, rec.price AS price, sum(s.score) AS score
ORDER BY score DESC, sku LIMIT $limit
