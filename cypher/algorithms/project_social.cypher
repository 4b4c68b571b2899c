// GDS projection of the social graph; influence flows back from the reached to the sharer.
// $config: {undirectedRelationshipTypes: ["*"]} for communities, {} for PageRank.
CALL () {
  MATCH (a:Customer)-[:REFERRED]->(b:Customer) RETURN a, b
  UNION ALL
  MATCH (a:Customer)-[:SHARED]->(:SocialShare)-[:REACHED]->(b:Customer) WHERE a <> b RETURN a, b
}
WITH a, b ORDER BY a.customerId, b.customerId  // fixed input order: same result every run
WITH gds.graph.project($graph, b, a, {}, $config) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
