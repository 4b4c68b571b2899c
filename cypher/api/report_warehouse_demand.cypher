// Demand by buyer country and top-level category over the last $days days, with the shipping warehouse.
MATCH (c:Customer)-[:PLACED]->(o:Order)-[r:CONTAINS]->(:Product)-[:IN_CATEGORY]->(:Category)
      -[:SUBCATEGORY_OF*0..]->(top:Category)
WHERE NOT (top)-[:SUBCATEGORY_OF]->() AND o.placedAt > datetime($now) - duration({days: $days})
OPTIONAL MATCH (o)-[:SHIPPED_FROM]->(w:Warehouse)
RETURN c.country AS country, top.name AS category, w.warehouseId AS warehouse, sum(r.quantity) AS units,
       sum(r.quantity * r.unitPrice) AS revenueUsd
ORDER BY units DESC LIMIT $limit
