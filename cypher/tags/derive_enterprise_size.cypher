UNWIND $ids AS id
MATCH (e:Enterprise {enterpriseId: id}) WHERE e.size IS NOT NULL
RETURN e.enterpriseId AS id,
       'enterprise_size:' + CASE WHEN e.size < 10 THEN 'micro' WHEN e.size < 50 THEN 'small'
         WHEN e.size < 250 THEN 'medium' ELSE 'large' END AS tag, 1.0 AS weight, 1.0 AS confidence,
       [toString(e.size) + ' employees'] AS evidence
