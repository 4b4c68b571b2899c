CALL gds.louvain.stream($graph, {relationshipWeightProperty: $weight, concurrency: 1})
YIELD nodeId, communityId
RETURN gds.util.asNode(nodeId)[$key] AS id, communityId AS community
