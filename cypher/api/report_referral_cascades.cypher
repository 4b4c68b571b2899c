// Referral fission: each cascade starts at a customer who referred others and was not referred;
// its size is everyone reached through REFERRED (up to 10 steps), its depth the longest chain.
MATCH (root:Customer)
WHERE EXISTS { (root)-[:REFERRED]->(:Customer) } AND NOT EXISTS { (:Customer)-[:REFERRED]->(root) }
MATCH p = (root)-[:REFERRED*1..10]->(x:Customer)
WITH root, count(DISTINCT x) AS size, max(length(p)) AS depth
RETURN root.customerId AS root, size, depth
ORDER BY size DESC, depth DESC, root
