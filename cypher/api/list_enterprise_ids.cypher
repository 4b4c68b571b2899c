MATCH (e:Enterprise)
WHERE ($after IS NULL OR e.enterpriseId > $after) AND ($country IS NULL OR e.country = $country)
  AND ($tag IS NULL OR EXISTS { (e)-[:HAS_TAG]->(:Tag {name: $tag}) })
RETURN e.enterpriseId AS id ORDER BY coalesce(e.potentialRank, 1e9), id LIMIT $limit
