// Louvain in write mode (bench/communities.py compares it with mutate + stream): every level of
// every member written to the customer nodes as $property.
CALL gds.louvain.write($graph, {writeProperty: $property, includeIntermediateCommunities: true, concurrency: 1})
YIELD ranLevels, modularities, nodePropertiesWritten
RETURN ranLevels, modularities, nodePropertiesWritten
