// GDS projection (undirected, weighted) of the customers' kNN similarity graph, computed in
// graph.algorithms.preference and passed back as $edges.
UNWIND $edges AS e
MATCH (a:Customer {customerId: e.source})
MATCH (b:Customer {customerId: e.target})
WITH a, b, e.weight AS weight ORDER BY a.customerId, b.customerId
WITH gds.graph.project($graph, a, b, {relationshipProperties: {weight: weight}},
                       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
