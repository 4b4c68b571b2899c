// Buyer -> leaf categories bought: the bipartite graph node similarity compares.
MATCH (c:Customer)-[:PLACED]->(:Order)-[:CONTAINS]->(:Product)-[:IN_CATEGORY]->(leaf:Category)
RETURN c.customerId AS id, collect(DISTINCT leaf.categoryId) AS categories
