UNWIND $ids AS id
MATCH (k:Community {communityId: id}) WHERE NOT EXISTS { (k)<-[:MEMBER_OF]-() }
DETACH DELETE k
RETURN count(*) AS deleted
