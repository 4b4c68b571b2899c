// Louvain's first level: tight groups before modularity's later levels merge them (resolution limit).
CALL gds.louvain.stream($graph, {includeIntermediateCommunities: true, concurrency: 1})
YIELD nodeId, intermediateCommunityIds
RETURN gds.util.asNode(nodeId).customerId AS id, intermediateCommunityIds[0] AS community
