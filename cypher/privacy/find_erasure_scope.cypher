// What an erasure touches, read before anything is deleted: the person's identifiers (to scrub
// them from others' evidence), their linked records, their social neighbours (whose tags name
// them) and their communities (whose size and profile change).
MATCH (c:Customer {customerId: $id})
RETURN c.customerId AS id,
       [x IN [c.email, c.phone] WHERE x IS NOT NULL]
         + [(ct:Contact)-[:IS_CUSTOMER]->(c) WHERE ct.email IS NOT NULL | ct.email]
         + [(ct:Contact)-[:IS_CUSTOMER]->(c) WHERE ct.phone IS NOT NULL | ct.phone] AS identifiers,
       [(c)-[:SAME_PERSON_AS*1..2]-(o:Customer) WHERE o <> c | o.customerId] AS linked,
       [(c)-[:REFERRED]-(o:Customer) | o.customerId]
         + [(c)-[:SHARED]->(:SocialShare)-[:REACHED]->(o:Customer) | o.customerId]
         + [(o:Customer)-[:SHARED]->(:SocialShare)-[:REACHED]->(c) | o.customerId]
         + [(c)-[:SIMILAR_TO]-(o:Customer) | o.customerId] AS neighbours,
       [(c)-[:MEMBER_OF]->(k:Community) | k.communityId] AS communities
