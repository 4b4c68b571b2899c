UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:SHARED]->(s:SocialShare)
OPTIONAL MATCH (s)-[:REACHED]->(r:Customer)
WITH c, s.platform AS platform, count(DISTINCT s) AS shares, count(r) AS reach
RETURN c.customerId AS id, 'sharer:' + platform AS tag,
       CASE WHEN reach >= 10 THEN 1.0 ELSE reach / 10.0 END AS weight, 1.0 AS confidence,
       [toString(shares) + ' shares on ' + platform + ' reaching ' + toString(reach)] AS evidence
