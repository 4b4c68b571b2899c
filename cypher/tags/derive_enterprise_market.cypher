UNWIND $ids AS id
MATCH (e:Enterprise {enterpriseId: id}) WHERE e.country IS NOT NULL
RETURN e.enterpriseId AS id, 'enterprise_market:' + e.country AS tag, 1.0 AS weight, 1.0 AS confidence,
       ['country = ' + e.country] AS evidence
