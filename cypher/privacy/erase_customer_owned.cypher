// Erasure, step 1: what only this customer owns (orders, reviews, shares, consents, unshared
// devices) and their Contact records (the same person as a B2B contact).
MATCH (c:Customer {customerId: $id})
OPTIONAL MATCH (c)-[:PLACED]->(o:Order)
OPTIONAL MATCH (c)-[:WROTE]->(r:Review)
OPTIONAL MATCH (c)-[:SHARED]->(s:SocialShare)
OPTIONAL MATCH (c)-[:GAVE]->(k:Consent)
OPTIONAL MATCH (c)-[:USES]->(d:Device) WHERE COUNT { (d)<-[:USES]-() } = 1
OPTIONAL MATCH (ct:Contact)-[:IS_CUSTOMER]->(c)
WITH c, collect(DISTINCT o) + collect(DISTINCT r) + collect(DISTINCT s) + collect(DISTINCT k) + collect(DISTINCT d)
        + collect(DISTINCT ct) AS owned
UNWIND owned AS n
DETACH DELETE n
RETURN count(n) AS deleted
