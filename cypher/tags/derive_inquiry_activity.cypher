UNWIND $ids AS id
MATCH (e:Enterprise {enterpriseId: id})-[:SENT]->(i:Inquiry)
WHERE i.at <= datetime($now) AND i.at > datetime($now) - duration('P365D')
WITH e, count(i) AS n, apoc.coll.sort(collect(i.inquiryId))[0..5] AS ids
RETURN e.enterpriseId AS id, 'inquiry_activity:' + CASE WHEN n >= 3 THEN 'active' ELSE 'occasional' END AS tag,
       CASE WHEN n >= 5 THEN 1.0 ELSE n / 5.0 END AS weight, 1.0 AS confidence,
       [toString(n) + ' inquiries over 12 months: ' + apoc.text.join(ids, ', ')] AS evidence
