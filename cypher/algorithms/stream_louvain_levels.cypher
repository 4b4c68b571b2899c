// Every customer's community at each Louvain level and its degree, from the projection.
CALL gds.graph.nodeProperty.stream($graph, 'levels') YIELD nodeId, propertyValue
RETURN gds.util.asNode(nodeId).customerId AS id, propertyValue AS levels,
       toInteger(gds.util.nodeProperty($graph, nodeId, 'degree')) AS degree
