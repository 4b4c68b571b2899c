// A record's person: the other records linked to it as the same person, each link's confidence
// and evidence, and the "not the same" decisions that involve the record.
MATCH (c:Customer {customerId: $id})
OPTIONAL MATCH (c)-[:SAME_PERSON_AS*1..2]-(o:Customer) WHERE o <> c
WITH c, collect(DISTINCT o) AS others
UNWIND [c] + others AS m
OPTIONAL MATCH (m)-[s:SAME_PERSON_AS]->(canonical:Customer)
WITH c, others, collect(CASE WHEN s IS NOT NULL THEN {id: m.customerId, canonical: canonical.customerId,
                     confidence: s.confidence, via: s.via, evidence: s.evidence} END) AS links
RETURN c.customerId AS id, [o IN others | o.customerId] AS members, links,
       [(c)-[d:NOT_SAME_PERSON]-(x:Customer) | {id: x.customerId, at: toString(d.at), by: d.by,
                                                reason: d.reason}] AS notSame
