// GDS projection of the social graph for communities: undirected, one relationship per tie (a pair
// tied twice weighs two, as in the networkx engine). Each customer carries its current community's
// number as `seed` (none for customers outside every community), so Louvain starts from last run's ids.
CALL () { {{ include algorithms/social_ties }} }
WITH a, b ORDER BY a.customerId, b.customerId  // fixed input order: same result every run
OPTIONAL MATCH (a)-[:MEMBER_OF]->(ka:Community {kind: $kind})
OPTIONAL MATCH (b)-[:MEMBER_OF]->(kb:Community {kind: $kind})
WITH gds.graph.project($graph, a, b, {
       sourceNodeProperties: CASE WHEN ka.number IS NULL THEN {} ELSE {seed: ka.number} END,
       targetNodeProperties: CASE WHEN kb.number IS NULL THEN {} ELSE {seed: kb.number} END},
     {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
