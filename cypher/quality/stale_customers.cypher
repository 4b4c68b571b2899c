// Customers with no order and no behaviour event in the $days days before $asOf.
MATCH (c:Customer)
WITH c, datetime($asOf) - duration({days: $days}) AS since
RETURN count(c) AS total,
       count(CASE WHEN NOT EXISTS { (c)-[:PLACED]->(o:Order) WHERE o.placedAt >= since }
                   AND NOT EXISTS { (c)-[e:VIEWED|FAVORITED|ADDED_TO_CART|SEARCHED]->() WHERE e.at >= since }
                  THEN 1 END) AS stale
