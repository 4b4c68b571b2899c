// A page of each customer's orders, newest first, from $offset.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:PLACED]->(o:Order)
WITH id, o ORDER BY o.placedAt DESC, o.orderId DESC
WITH id, collect(o) AS orders
RETURN id, size(orders) AS total,
       [o IN orders[$offset..$offset + $first] | o {.orderId, placedAt: toString(o.placedAt), .total, .currency,
        .totalUsd, .status, .promo}] AS page
