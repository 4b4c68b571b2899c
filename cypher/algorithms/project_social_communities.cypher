// GDS projection of the social graph for communities: undirected, one relationship per tie (a pair
// tied twice weighs two, as in the networkx engine). The current communities' members come first,
// one row each with its community's number as `seed` (GDS keeps the properties of a node's first
// row), so Louvain starts from last run's ids and a member's community is read once, not once per
// tie; a member no longer in any tie stays in the projection with degree 0, and the streams leave
// it out. Customers in ties without a community come in with the ties. Node order is fixed by the
// members' ids and the store's order of the ties (no sort of every tie: at 1M customers that sort
// and a community look-up at both ends of each of the 5M ties were most of the projection).
CALL () {
  MATCH (c:Customer)-[:MEMBER_OF]->(k:Community {kind: $kind})
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
