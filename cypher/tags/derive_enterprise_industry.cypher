UNWIND $ids AS id
MATCH (e:Enterprise {enterpriseId: id}) WHERE e.industry IS NOT NULL
RETURN e.enterpriseId AS id, 'enterprise_industry:' + e.industry AS tag, 1.0 AS weight, 1.0 AS confidence,
       ['industry = ' + e.industry] AS evidence
