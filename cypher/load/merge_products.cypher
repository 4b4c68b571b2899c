UNWIND $rows AS row
MATCH (cat:Category {categoryId: row.categoryId})
MERGE (p:Product {sku: row.sku})
SET p.name = row.name, p.price = row.price, p.currency = row.currency,
    p.genderTarget = row.genderTarget
MERGE (p)-[:IN_CATEGORY]->(cat)
WITH p, row WHERE row.brandId IS NOT NULL
MATCH (b:Brand {brandId: row.brandId})
MERGE (p)-[:MADE_BY]->(b)
