CALL gds.nodeSimilarity.stream($graph, {topK: $topK, similarityCutoff: $cutoff})
YIELD node1, node2, similarity
RETURN gds.util.asNode(node1).customerId AS source, gds.util.asNode(node2).customerId AS target,
       similarity AS score
