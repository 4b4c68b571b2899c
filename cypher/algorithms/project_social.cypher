// GDS projection of the social graph for PageRank: influence flows back from the reached to the
// sharer (a relationship from b to a). First one row per customer in a tie, in the order of their
// ids (the projection's node order: the same ranks from the same ties in any store), then the ties
// in the store's order, unsorted (see project_social_communities: at 1M customers sorting the 5M
// ties was most of a projection's time).
CALL () {
  CALL () { {{ include algorithms/social_ties }} }
  UNWIND [a, b] AS c
  WITH DISTINCT c ORDER BY c.customerId
  RETURN c AS source, null AS target
  UNION ALL
  CALL () { {{ include algorithms/social_ties }} }
  RETURN b AS source, a AS target
}
WITH gds.graph.project($graph, source, target) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
