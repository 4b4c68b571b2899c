// Top-k most similar customers by embedding (cosine), an approximate kNN that scales near-linearly.
CALL gds.knn.stream($graph, {nodeLabels: ['Customer'], nodeProperties: ['embedding'], topK: $topK,
                             similarityCutoff: $cutoff, randomSeed: 42, concurrency: 1, sampleRate: 0.5})
YIELD node1, node2, similarity
RETURN gds.util.asNode(node1).customerId AS source, gds.util.asNode(node2).customerId AS target,
       similarity AS score
