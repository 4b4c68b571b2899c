// Each customer's strongest tag of one family.
MATCH (c:Customer)-[h:HAS_TAG]->(t:Tag {family: $family})
WITH c, t, h ORDER BY h.weight DESC
WITH c, collect(t.name)[0] AS tag
RETURN c.customerId AS id, tag
