// What the purchase-based algorithms need: buyers with products, and those with two or more
// distinct products (the only ones that make co-purchase pairs).
MATCH (c:Customer)-[:PLACED]->(:Order)-[:CONTAINS]->(p:Product)
WITH c, count(DISTINCT p) AS products
RETURN count(c) AS buyers, sum(CASE WHEN products >= 2 THEN 1 ELSE 0 END) AS pairBuyers
