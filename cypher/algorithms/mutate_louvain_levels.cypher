// Louvain on the projected social graph, every level kept (`levels`: the community at each level),
// seeded with the previous run's numbers where a customer had one. Results stay in the projection.
CALL gds.louvain.mutate($graph, {mutateProperty: 'levels', includeIntermediateCommunities: true,
                                 seedProperty: CASE WHEN $seeded THEN 'seed' ELSE null END, concurrency: 1})
YIELD ranLevels, modularities
RETURN ranLevels, modularities
