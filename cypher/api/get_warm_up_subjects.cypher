// A customer and a product to rehearse the API's statements on (graph.warmup); no row when the
// graph holds no customer. Only ids are read, and nothing is written with them.
MATCH (c:Customer)
WITH c.customerId AS customer LIMIT 1
OPTIONAL CALL () { MATCH (p:Product) RETURN p.sku AS sku LIMIT 1 }
RETURN customer, sku
