// GDS projection of the identity graph (undirected).
CALL () { {{ include algorithms/identity_pairs }} }
WITH a, b ORDER BY a.customerId, b.customerId
WITH gds.graph.project($graph, a, b, {}, {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
