UNWIND $rows AS row
MERGE (b:Brand {brandId: row.brandId})
SET b.name = row.name, b.country = row.country
