UNWIND $rows AS row
MATCH (c:Customer {customerId: row.customerId})
MATCH (p:Product {sku: row.sku})
MERGE (r:Review {reviewId: row.reviewId})
SET r.rating = row.rating, r.text = row.text, r.at = datetime(row.at)
MERGE (c)-[:WROTE]->(r)
MERGE (r)-[:REVIEWS]->(p)
