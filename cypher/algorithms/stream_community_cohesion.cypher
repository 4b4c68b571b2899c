// Each member's social ties and how many of them stay inside its community (ties counted as in
// social_ties: a referral either way, a share reaching the member or reaching from it).
MATCH (c:Customer)-[:MEMBER_OF]->(k:Community {kind: $kind})
CALL (c) {
  MATCH (c)-[:REFERRED]-(o:Customer) RETURN o
  UNION ALL
  MATCH (c)-[:SHARED]->(:SocialShare)-[:REACHED]->(o:Customer) WHERE o <> c RETURN o
  UNION ALL
  MATCH (c)<-[:REACHED]-(:SocialShare)<-[:SHARED]-(o:Customer) WHERE o <> c RETURN o
}
WITH c, k, count(o) AS ties, count(CASE WHEN EXISTS { (o)-[:MEMBER_OF]->(k) } THEN 1 END) AS inside
RETURN c.customerId AS id, k.number AS community, k.size AS size, ties, inside
