MATCH (e:Enterprise) WHERE e.potentialScore IS NOT NULL
RETURN e.enterpriseId AS id, e.potentialScore AS score
