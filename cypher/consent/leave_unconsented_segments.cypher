// A customer is in no segment their consents do not allow: none at all when the latest marketing
// consent is false (an audience is marketing), and none whose rule rests on a basis they no longer
// allow (a rule on communities or profiling tags after a profiling withdrawal; graph.segments).
// A segment stored before it had a basis counts as profiling.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[m:IN_SEGMENT]->(s:Segment)
WITH c, m, s, coalesce(c.allowedUses, $defaultUses) AS uses
WHERE NOT 'marketing' IN uses OR NOT coalesce(s.basis, 'profiling') IN uses
DELETE m
RETURN count(m) AS left
