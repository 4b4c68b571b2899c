// Sensitive: only customers whose latest consents allow sensitive inference are considered at all
// (allowedUses, kept by cypher/consent/update_allowed_uses; the tag writer checks it again).
UNWIND $ids AS id
MATCH (c:Customer {customerId: id}) WHERE 'sensitive_inference' IN coalesce(c.allowedUses, [])
MATCH (c)-[:PLACED]->(o:Order)-[:CONTAINS]->(:Product)-[:IN_CATEGORY]->(leaf:Category)
WHERE leaf.name IN $expecting + $newborn AND o.placedAt <= datetime($now)
WITH c, collect(DISTINCT leaf.name) AS leaves, apoc.coll.sort(collect(DISTINCT o.orderId))[0..5] AS orders
WITH c, orders, size([l IN leaves WHERE l IN $expecting]) AS pre, size([l IN leaves WHERE l IN $newborn]) AS post
WHERE pre >= 2
RETURN c.customerId AS id, 'life_stage:expecting_parent' AS tag, (pre + CASE WHEN post > 0 THEN 1 ELSE 0 END) / 4.0 AS weight,
       CASE WHEN post > 0 THEN 0.9 ELSE 0.7 END AS confidence,
       [toString(pre) + ' prenatal categories, ' + toString(post) + ' newborn categories',
        'orders ' + apoc.text.join(orders, ', ')] AS evidence
