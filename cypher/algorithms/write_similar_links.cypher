// The SIMILAR_TO {score} links mutate_knn found, written by GDS from the projected graph straight
// into the store (not streamed through the client); stamp_similarity then says when and how.
CALL gds.graph.relationship.write($graph, 'SIMILAR_TO', 'score')
YIELD relationshipsWritten
RETURN relationshipsWritten
