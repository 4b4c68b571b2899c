// Customer records sharing an e-mail address or a phone number with another record that identity
// resolution did not link (SAME_PERSON_AS), and how many records it did link. Both lookups use the
// e-mail and phone indexes.
MATCH (c:Customer)
WITH count(c) AS total
OPTIONAL MATCH (a:Customer)-[:SAME_PERSON_AS]->(:Customer)
WITH total, count(DISTINCT a) AS linked
OPTIONAL MATCH (c:Customer)
WHERE NOT EXISTS { (c)-[:SAME_PERSON_AS]-() }
  AND (EXISTS { MATCH (o:Customer {email: c.email}) WHERE o <> c }
       OR EXISTS { MATCH (o:Customer {phone: c.phone}) WHERE o <> c })
RETURN total, linked, count(c) AS suspects
