// GDS projection of the social graph; influence flows back from the reached to the sharer.
// $config: {undirectedRelationshipTypes: ["*"]} for communities, {} for PageRank.
CALL () { {{ include algorithms/social_ties }} }
WITH a, b ORDER BY a.customerId, b.customerId  // fixed input order: same result every run
WITH gds.graph.project($graph, b, a, {}, $config) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
