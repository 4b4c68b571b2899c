UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:REFERRED]->(b:Customer)
WITH c, count(b) AS n, collect(b.customerId)[0..5] AS referred
RETURN c.customerId AS id, 'referral_activity:' + CASE WHEN n >= 3 THEN 'super_referrer' ELSE 'referrer' END AS tag,
       CASE WHEN n >= 5 THEN 1.0 ELSE n / 5.0 END AS weight, 1.0 AS confidence,
       ['referred ' + toString(n) + ': ' + apoc.text.join(referred, ', ')] AS evidence
