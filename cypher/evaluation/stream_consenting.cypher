MATCH (c:Customer)-[:GAVE]->(:Consent {purpose: $purpose, granted: true})
RETURN c.customerId AS id
