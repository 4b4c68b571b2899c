// Pairs of customer records that share an email, a phone or a device.
CALL () {
  MATCH (a:Customer)-[:USES]->(:Device)<-[:USES]-(b:Customer) WHERE a.customerId < b.customerId
  RETURN a.customerId AS source, b.customerId AS target, 'device' AS via
  UNION ALL
  MATCH (a:Customer) WHERE a.email IS NOT NULL
  MATCH (b:Customer {email: a.email}) WHERE a.customerId < b.customerId
  RETURN a.customerId AS source, b.customerId AS target, 'email' AS via
  UNION ALL
  MATCH (a:Customer) WHERE a.phone IS NOT NULL
  MATCH (b:Customer {phone: a.phone}) WHERE a.customerId < b.customerId
  RETURN a.customerId AS source, b.customerId AS target, 'phone' AS via
}
RETURN source, target, via
