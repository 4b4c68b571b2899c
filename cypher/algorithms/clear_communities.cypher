MATCH (k:Community {kind: $kind})
DETACH DELETE k
