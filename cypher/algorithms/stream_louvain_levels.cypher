// Every customer in a tie (degree > 0): their community at each Louvain level and their degree,
// from the projection, as one record of lists (a record per customer cost the driver ~25 us each).
CALL gds.graph.nodeProperty.stream($graph, 'levels') YIELD nodeId, propertyValue
WITH nodeId, propertyValue, toInteger(gds.util.nodeProperty($graph, nodeId, 'degree')) AS degree
WHERE degree > 0
RETURN collect(gds.util.asNode(nodeId).customerId) AS ids, collect(propertyValue) AS levels,
       collect(degree) AS degrees
