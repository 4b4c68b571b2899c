// Leiden on a weighted undirected graph at resolution $gamma (GDS's Louvain takes no resolution).
CALL gds.leiden.stream($graph, {relationshipWeightProperty: 'weight', gamma: $gamma, randomSeed: 42,
                                concurrency: 1})
YIELD nodeId, communityId
RETURN gds.util.asNode(nodeId).customerId AS id, communityId AS community
