// Top-k most similar customers by embedding (cosine), an approximate kNN that scales near-linearly,
// kept in the projected graph as SIMILAR_TO {score} until write_similar_links stores them.
CALL gds.knn.mutate($graph, {nodeLabels: ['Customer'], nodeProperties: ['embedding'], topK: $topK,
                             similarityCutoff: $cutoff, randomSeed: 42, concurrency: 1, sampleRate: 0.5,
                             mutateRelationshipType: 'SIMILAR_TO', mutateProperty: 'score'})
YIELD relationshipsWritten
RETURN relationshipsWritten
