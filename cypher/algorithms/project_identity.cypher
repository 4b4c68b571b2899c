// GDS projection (undirected) of the accepted identity links: the candidates of
// identity_pairs, weighed in graph.algorithms.identity, passed back as $pairs.
UNWIND $pairs AS pair
MATCH (a:Customer {customerId: pair.source})
MATCH (b:Customer {customerId: pair.target})
WITH a, b ORDER BY a.customerId, b.customerId
WITH gds.graph.project($graph, a, b, {}, {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
