MATCH (e:Enterprise) WHERE e.enterpriseId > $after
RETURN e.enterpriseId AS id ORDER BY id LIMIT $limit
