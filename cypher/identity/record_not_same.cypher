// A "not the same person" decision between two records ($a < $b); later refreshes respect it.
MATCH (a:Customer {customerId: $a})
MATCH (b:Customer {customerId: $b})
MERGE (a)-[d:NOT_SAME_PERSON]->(b)
SET d.at = datetime(), d.by = $by, d.reason = $reason
RETURN a.customerId AS a, b.customerId AS b
