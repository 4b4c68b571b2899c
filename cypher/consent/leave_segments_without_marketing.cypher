// A customer whose latest marketing consent is false is in no segment (audience, export).
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[m:IN_SEGMENT]->(:Segment)
WHERE NOT 'marketing' IN coalesce(c.allowedUses, $defaultUses)
DELETE m
RETURN count(m) AS left
