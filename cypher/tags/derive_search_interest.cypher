UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[e:SEARCHED]->(t:SearchTerm)
WHERE e.at <= datetime($now)
WITH c, t, sum(0.5 ^ (duration.inDays(e.at, datetime($now)).days / $halfLifeDays)) AS s, count(e) AS n
WHERE s >= 0.25
RETURN c.customerId AS id, 'search_interest:' + t.term AS tag, s / (s + 1.0) AS weight,
       CASE WHEN n >= 2 THEN 0.8 ELSE 0.5 END AS confidence,
       [toString(n) + ' searches for "' + t.term + '"'] AS evidence
