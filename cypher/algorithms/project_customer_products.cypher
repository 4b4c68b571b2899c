// Buyers and the products they bought, for FastRP embeddings.
MATCH (c:Customer)-[:PLACED]->(:Order)-[:CONTAINS]->(p:Product)
WITH DISTINCT c, p
ORDER BY c.customerId, p.sku
WITH gds.graph.project($graph, c, p, {sourceNodeLabels: 'Customer', targetNodeLabels: 'Product'},
                       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
