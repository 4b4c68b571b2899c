// The identity graph: pairs of customer records that share a device, an email or a phone.
// Included by stream_identity_edges (networkx) and project_identity (GDS): one home for the pattern.
MATCH (a:Customer)-[:USES]->(:Device)<-[:USES]-(b:Customer) WHERE a.customerId < b.customerId
RETURN a, b, 'device' AS via
UNION ALL
MATCH (a:Customer) WHERE a.email IS NOT NULL
MATCH (b:Customer {email: a.email}) WHERE a.customerId < b.customerId
RETURN a, b, 'email' AS via
UNION ALL
MATCH (a:Customer) WHERE a.phone IS NOT NULL
MATCH (b:Customer {phone: a.phone}) WHERE a.customerId < b.customerId
RETURN a, b, 'phone' AS via
