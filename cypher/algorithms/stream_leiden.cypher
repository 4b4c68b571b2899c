// Leiden on a weighted undirected graph at resolution $gamma (GDS's Louvain takes no resolution),
// every customer's community as one record of two lists (a record per customer cost the driver
// ~25 us each: about 25 s for the ~1M customers with a profile at a million).
CALL gds.leiden.stream($graph, {relationshipWeightProperty: 'weight', gamma: $gamma, randomSeed: 42,
                                concurrency: 1})
YIELD nodeId, communityId
RETURN collect(gds.util.asNode(nodeId).customerId) AS ids, collect(communityId) AS communities
