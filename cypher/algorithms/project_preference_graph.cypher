// GDS projection (undirected, weighted) of the customers' kNN similarity graph, computed in
// graph.algorithms.preference and passed back compactly: $ids (customer ids, sorted) and $edges,
// one [i, j, weight] per pair with i < j indices into $ids. Each customer is looked up once, not
// once per edge; edges keep $ids' order (customerId), so GDS numbers the nodes as before.
UNWIND range(0, size($ids) - 1) AS i
OPTIONAL MATCH (c:Customer {customerId: $ids[i]})
WITH i, c ORDER BY i
WITH collect([c]) AS nodes
UNWIND $edges AS e
WITH nodes[e[0]][0] AS a, nodes[e[1]][0] AS b, e[2] AS weight, e[0] AS i, e[1] AS j
WHERE a IS NOT NULL AND b IS NOT NULL
WITH a, b, weight ORDER BY i, j
WITH gds.graph.project($graph, a, b, {relationshipProperties: {weight: weight}},
                       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
