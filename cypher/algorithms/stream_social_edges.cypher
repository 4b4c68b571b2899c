// Customer-to-customer ties of the social graph: referrals and shares that reached someone.
CALL () {
  MATCH (a:Customer)-[:REFERRED]->(b:Customer) RETURN a.customerId AS source, b.customerId AS target
  UNION ALL
  MATCH (a:Customer)-[:SHARED]->(:SocialShare)-[:REACHED]->(b:Customer) WHERE a <> b
  RETURN a.customerId AS source, b.customerId AS target
}
RETURN source, target ORDER BY source, target
