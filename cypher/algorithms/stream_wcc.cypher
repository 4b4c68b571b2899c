CALL gds.wcc.stream($graph)
YIELD nodeId, componentId
RETURN gds.util.asNode(nodeId).customerId AS id, componentId AS component
