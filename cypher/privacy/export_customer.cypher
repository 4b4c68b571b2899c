// Everything held about one customer (right of access): properties, tags, orders, consents, events.
MATCH (c:Customer {customerId: $id})
RETURN c {.*, registeredAt: toString(c.registeredAt)} AS customer,
       [(c)-[h:HAS_TAG]->(t:Tag) | {tag: t.name, weight: h.weight, computedAt: toString(h.computedAt),
                                    evidence: h.evidence}] AS tags,
       [(c)-[:PLACED]->(o:Order) | {orderId: o.orderId, placedAt: toString(o.placedAt), totalUsd: o.totalUsd}] AS orders,
       [(c)-[:GAVE]->(k:Consent) | {purpose: k.purpose, granted: k.granted, at: toString(k.at)}] AS consents,
       [(c)-[:WROTE]->(r:Review) | {reviewId: r.reviewId, rating: r.rating, text: r.text}] AS reviews,
       COUNT { (c)-[:VIEWED|SEARCHED|FAVORITED|ADDED_TO_CART]->() } AS events
