// Popular products in the customer's social community that they have not bought.
MATCH (c:Customer {customerId: $id})-[:MEMBER_OF]->(k:Community)<-[:MEMBER_OF]-(m:Customer)
WHERE m <> c AND coalesce('profiling' IN c.allowedUses, true) AND coalesce('profiling' IN m.allowedUses, true)
MATCH (m)-[:PLACED]->(:Order)-[:CONTAINS]->(rec:Product)
WHERE NOT EXISTS { (c)-[:PLACED]->(:Order)-[:CONTAINS]->(rec) }
RETURN rec.sku AS sku, rec.name AS name, rec.price AS price, count(DISTINCT m) AS score
ORDER BY score DESC, sku LIMIT $limit
