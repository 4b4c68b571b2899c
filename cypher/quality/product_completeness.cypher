// How many products have a price, a category and a brand.
MATCH (p:Product)
RETURN count(p) AS total, count(p.price) AS price,
       count(CASE WHEN EXISTS { (p)-[:IN_CATEGORY]->(:Category) } THEN 1 END) AS category,
       count(CASE WHEN EXISTS { (p)-[:MADE_BY]->(:Brand) } THEN 1 END) AS brand
