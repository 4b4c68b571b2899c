// Customers by id (DataLoader batch): one row per id found. P(alive) and expected purchases only
// where the customer allows profiling (graph.consent).
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
RETURN id, c.name AS name, c.email AS email, c.phone AS phone, c.country AS country, c.city AS city,
       c.gender AS gender, c.birthYear AS birthYear, c.language AS language,
       toString(c.registeredAt) AS registeredAt,
       CASE WHEN coalesce('profiling' IN c.allowedUses, true) THEN c.pAlive END AS pAlive,
       CASE WHEN coalesce('profiling' IN c.allowedUses, true) THEN c.expectedPurchases90d END AS expected90d
