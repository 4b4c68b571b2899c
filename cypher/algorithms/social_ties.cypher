// The social graph: a referral, or a share that reached someone, ties two customers.
// Included by stream_social_edges (networkx) and project_social (GDS): one home for the pattern.
MATCH (a:Customer)-[:REFERRED]->(b:Customer) RETURN a, b
UNION ALL
MATCH (a:Customer)-[:SHARED]->(:SocialShare)-[:REACHED]->(b:Customer) WHERE a <> b RETURN a, b
