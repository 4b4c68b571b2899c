UNWIND $rows AS row
MERGE (e:Enterprise {enterpriseId: row.enterpriseId})
SET e.name = row.name, e.country = row.country, e.industry = row.industry, e.size = row.size,
    e.foundedYear = row.foundedYear, e.annualRevenueBand = row.annualRevenueBand,
    e.website = row.website
