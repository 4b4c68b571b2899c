// Each buyer's purchased products (distinct), for preference clusters.
MATCH (c:Customer)-[:PLACED]->(:Order)-[r:CONTAINS]->(p:Product)
RETURN c.customerId AS id, p.sku AS sku, sum(r.quantity) AS n
