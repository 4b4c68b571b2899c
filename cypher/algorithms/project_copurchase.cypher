MATCH (c:Customer)-[:PLACED]->(:Order)-[:CONTAINS]->(p:Product)
WITH c, p ORDER BY c.customerId, p.sku
WITH c, collect(DISTINCT p)[0..15] AS ps
UNWIND range(0, size(ps) - 2) AS i
UNWIND range(i + 1, size(ps) - 1) AS j
WITH CASE WHEN ps[i].sku < ps[j].sku THEN ps[i] ELSE ps[j] END AS a,
     CASE WHEN ps[i].sku < ps[j].sku THEN ps[j] ELSE ps[i] END AS b
WITH a, b, count(*) AS weight
ORDER BY a.sku, b.sku  // a fixed input order keeps Louvain's result the same run after run
WITH gds.graph.project($graph, a, b, {relationshipProperties: {weight: toFloat(weight)}},
                       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
