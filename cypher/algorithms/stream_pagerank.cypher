CALL gds.pageRank.stream($graph, {maxIterations: 30, dampingFactor: 0.85, concurrency: 1})
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).customerId AS id, score
