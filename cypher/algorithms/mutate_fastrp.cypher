// FastRP embeddings of customers and products, kept in the projected graph for kNN.
CALL gds.fastRP.mutate($graph, {embeddingDimension: 128, iterationWeights: [0.0, 1.0, 1.0, 0.5],
                                mutateProperty: 'embedding', randomSeed: 42, concurrency: 1})
YIELD nodePropertiesWritten
RETURN nodePropertiesWritten
