// Buyers and the products they bought, for FastRP embeddings. Only customers who allow profiling:
// a similarity link is an inference about both its ends (graph.consent).
MATCH (c:Customer)-[:PLACED]->(:Order)-[:CONTAINS]->(p:Product)
WHERE 'profiling' IN coalesce(c.allowedUses, $defaultUses)
WITH DISTINCT c, p
ORDER BY c.customerId, p.sku
WITH gds.graph.project($graph, c, p, {sourceNodeLabels: 'Customer', targetNodeLabels: 'Product'},
                       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
