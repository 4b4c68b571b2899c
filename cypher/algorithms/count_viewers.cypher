// Customers who viewed, favourited or carted a product: with buyers, the input of preference groups.
MATCH (c:Customer) WHERE (c)-[:VIEWED|FAVORITED|ADDED_TO_CART]->(:Product)
RETURN count(c) AS viewers
