// PageRank of every customer in a tie, as one record of two lists (a record per customer cost the
// driver ~25 us each).
CALL gds.pageRank.stream($graph, {maxIterations: 30, dampingFactor: 0.85, concurrency: 1})
YIELD nodeId, score
RETURN collect(gds.util.asNode(nodeId).customerId) AS ids, collect(score) AS scores
