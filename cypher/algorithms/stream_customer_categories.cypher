// Buyer -> leaf categories bought: the bipartite graph node similarity compares. Only customers
// who allow profiling: a similarity link is an inference about both its ends (graph.consent).
MATCH (c:Customer)-[:PLACED]->(:Order)-[:CONTAINS]->(:Product)-[:IN_CATEGORY]->(leaf:Category)
WHERE 'profiling' IN coalesce(c.allowedUses, $defaultUses)
RETURN c.customerId AS id, collect(DISTINCT leaf.categoryId) AS categories
