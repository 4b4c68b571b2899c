// Communities of a kind left without members disappear (their number is never given again).
MATCH (k:Community {kind: $kind}) WHERE NOT EXISTS { (k)<-[:MEMBER_OF]-() }
DETACH DELETE k
RETURN count(*) AS deleted
