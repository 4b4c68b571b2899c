// Customers by id (DataLoader batch): one row per id found.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
RETURN id, c.name AS name, c.email AS email, c.phone AS phone, c.country AS country, c.city AS city,
       c.gender AS gender, c.birthYear AS birthYear, c.language AS language,
       toString(c.registeredAt) AS registeredAt, c.pAlive AS pAlive, c.expectedPurchases90d AS expected90d
