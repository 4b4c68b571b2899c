// Every customer of the projection (each in a tie): their community at each Louvain level and their
// degree, as one record of lists (a record per customer cost the driver ~25 us each: 13 s at 1M).
CALL gds.graph.nodeProperty.stream($graph, 'levels') YIELD nodeId, propertyValue
RETURN collect(gds.util.asNode(nodeId).customerId) AS ids, collect(propertyValue) AS levels,
       collect(toInteger(gds.util.nodeProperty($graph, nodeId, 'degree'))) AS degrees
