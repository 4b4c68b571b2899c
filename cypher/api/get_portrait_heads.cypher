// The head of many customers' portraits in one round trip: each customer's own fields and portrait
// version, as get_portrait returns them, without tags or communities. A cached portrait response is
// served only while both are what it was built from (gql.response_cache); a missing id is a
// customer who is gone. Algorithm outputs only where the customer allows profiling (graph.consent).
OPTIONAL MATCH (k:ChangeCounter {name: 'portraits'})
WITH coalesce(k.epoch, 0) AS epoch
UNWIND $ids AS wanted
MATCH (c:Customer {customerId: wanted})
WITH c, epoch, coalesce('profiling' IN c.allowedUses, true) AS profiling
RETURN c.customerId AS id, c.name AS name, c.email AS email, c.phone AS phone, c.country AS country,
       c.city AS city, c.gender AS gender, c.birthYear AS birthYear, c.language AS language,
       toString(c.registeredAt) AS registeredAt, CASE WHEN profiling THEN c.pAlive END AS pAlive,
       CASE WHEN profiling THEN c.expectedPurchases90d END AS expected90d, c.allowedUses AS allowedUses,
       [epoch, coalesce(c.portraitVersion, 0)] AS version
