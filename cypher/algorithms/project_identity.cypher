CALL () {
  MATCH (a:Customer)-[:USES]->(:Device)<-[:USES]-(b:Customer) WHERE a.customerId < b.customerId RETURN a, b
  UNION ALL
  MATCH (a:Customer) WHERE a.email IS NOT NULL
  MATCH (b:Customer {email: a.email}) WHERE a.customerId < b.customerId RETURN a, b
  UNION ALL
  MATCH (a:Customer) WHERE a.phone IS NOT NULL
  MATCH (b:Customer {phone: a.phone}) WHERE a.customerId < b.customerId RETURN a, b
}
WITH a, b ORDER BY a.customerId, b.customerId
WITH gds.graph.project($graph, a, b, {}, {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
