UNWIND $ids AS id
MATCH (e:Enterprise {enterpriseId: id})<-[:WORKS_FOR]-(ct:Contact)
WITH e, count(ct) AS n, apoc.coll.sort(collect(ct.title)) AS titles
RETURN e.enterpriseId AS id, 'buying_committee:' + CASE WHEN n >= 2 THEN 'team' ELSE 'single' END AS tag,
       CASE WHEN n >= 4 THEN 1.0 ELSE n / 4.0 END AS weight, 1.0 AS confidence,
       [toString(n) + ' contacts: ' + apoc.text.join([t IN titles WHERE t IS NOT NULL], ', ')] AS evidence
