MATCH (e:Enterprise)
WHERE ($country IS NULL OR e.country = $country) AND ($tag IS NULL OR EXISTS { (e)-[:HAS_TAG]->(:Tag {name: $tag}) })
RETURN count(e) AS n
