MATCH (c:Customer)-[:PLACED]->(:Order)-[:CONTAINS]->(:Product)-[:IN_CATEGORY]->(leaf:Category)
WITH DISTINCT c, leaf
WITH gds.graph.project($graph, c, leaf, {sourceNodeLabels: 'Customer', targetNodeLabels: 'Category'}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
