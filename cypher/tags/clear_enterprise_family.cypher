UNWIND $ids AS id
MATCH (:Enterprise {enterpriseId: id})-[h:HAS_TAG]->(:Tag {family: $family})
DELETE h
