// The identity graph: pairs of customer records that share a device, an email or a phone.
// Included by stream_identity_edges (networkx) and project_identity (GDS): one home for the pattern.
// $ids: null for everyone, or the records to regroup (both ends among them; erasure uses it).
MATCH (a:Customer)-[:USES]->(:Device)<-[:USES]-(b:Customer) WHERE a.customerId < b.customerId
  AND ($ids IS NULL OR (a.customerId IN $ids AND b.customerId IN $ids))
RETURN a, b, 'device' AS via
UNION ALL
MATCH (a:Customer) WHERE a.email IS NOT NULL AND ($ids IS NULL OR a.customerId IN $ids)
MATCH (b:Customer {email: a.email}) WHERE a.customerId < b.customerId AND ($ids IS NULL OR b.customerId IN $ids)
RETURN a, b, 'email' AS via
UNION ALL
MATCH (a:Customer) WHERE a.phone IS NOT NULL AND ($ids IS NULL OR a.customerId IN $ids)
MATCH (b:Customer {phone: a.phone}) WHERE a.customerId < b.customerId AND ($ids IS NULL OR b.customerId IN $ids)
RETURN a, b, 'phone' AS via
