// Each node's number of relationships in the projection (a tie counted once per end when undirected).
CALL gds.degree.mutate($graph, {mutateProperty: 'degree', concurrency: 1})
YIELD nodePropertiesWritten
RETURN nodePropertiesWritten
