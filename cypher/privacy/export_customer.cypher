// Everything held about one customer (right of access): properties, tags with their basis and
// evidence, their ended versions (tag history), orders, reviews, events, communities, the other
// records linked to them as the same person (with why), and how many similarity links they have
// (a count: who they are like is also the other customers' data); consents and audit entries are
// added by graph.privacy.
MATCH (c:Customer {customerId: $id})
RETURN c {.*, registeredAt: toString(c.registeredAt)} AS customer,
       [(c)-[h:HAS_TAG]->(t:Tag) | {tag: t.name, dimension: t.dimension, basis: coalesce(t.basis, 'profiling'),
                                    sensitive: coalesce(t.sensitive, false), weight: h.weight,
                                    confidence: h.confidence, computedAt: toString(h.computedAt),
                                    source: h.source, evidence: h.evidence}] AS tags,
       [(c)-[h:HAD_TAG]->(t:Tag) | {tag: t.name, weight: h.weight, confidence: h.confidence, source: h.source,
                                    validFrom: toString(h.validFrom), validTo: toString(h.validTo),
                                    reason: h.reason}] AS tagHistory,
       [(c)-[:PLACED]->(o:Order) | {orderId: o.orderId, placedAt: toString(o.placedAt), totalUsd: o.totalUsd}] AS orders,
       [(c)-[:WROTE]->(r:Review) | {reviewId: r.reviewId, rating: r.rating, text: r.text}] AS reviews,
       [(c)-[:MEMBER_OF]->(k:Community) | k.communityId] AS communities,
       [(c)-[s:SAME_PERSON_AS]-(o:Customer) | {customerId: o.customerId, confidence: s.confidence, via: s.via,
                                                 evidence: s.evidence}] AS sameRecords,
       COUNT { (c)-[:SIMILAR_TO]-(:Customer) } AS similarityLinks,
       [(ct:Contact)-[:IS_CUSTOMER]->(c) | ct {.*}] AS contacts,
       COUNT { (c)-[:VIEWED|SEARCHED|FAVORITED|ADDED_TO_CART]->() } AS events
