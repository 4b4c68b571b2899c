// GDS projection of the social graph for communities: undirected, one relationship per tie (a pair
// tied twice weighs two, as in the networkx engine). First one row per customer in a tie, in the
// order of their ids (the projection's node order: the same partition from the same ties in any
// store), with their current community's number as `seed` where they have one (GDS keeps the
// properties of a node's first row), so Louvain starts from last run's ids; then the ties, with no
// properties and in the store's order. A customer's community is read once, not at both ends of
// each of their ties, and the 5M ties of 1M customers are not sorted (those two were most of the
// projection's time). Like any ordered input to an aggregation, this relies on rows reaching
// gds.graph.project in order, as they do outside the parallel runtime.
CALL () {
  CALL () { {{ include algorithms/social_ties }} }
  UNWIND [a, b] AS c
  WITH DISTINCT c
  OPTIONAL MATCH (c)-[:MEMBER_OF]->(k:Community {kind: $kind})
  WITH c, k ORDER BY c.customerId
  RETURN c AS a, null AS b, k.number AS seed
  UNION ALL
  CALL () { {{ include algorithms/social_ties }} }
  RETURN a, b, null AS seed
}
WITH gds.graph.project($graph, a, b,
       {sourceNodeProperties: CASE WHEN seed IS NULL THEN {} ELSE {seed: seed} END, targetNodeProperties: {}},
       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
