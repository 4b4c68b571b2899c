// One pass over what the customer bought (orders, their lines and products), for the families
// shopping_gender, purchase_category, price_sensitivity, review_tendency and brand_affinity:
// each family is one branch below (as it read when it had a file of its own).
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
CALL (c) {
  // shopping_gender
  MATCH (c)-[:PLACED]->(o:Order)-[r:CONTAINS]->(p:Product)
  WHERE p.genderTarget IN ['F', 'M']
  WITH c, p.genderTarget AS g, sum(r.quantity) AS n, apoc.coll.sort(collect(DISTINCT o.orderId))[0..5] AS orders
  WITH c, collect({g: g, n: n, orders: orders}) AS parts, sum(n) AS total
  UNWIND parts AS part
  WITH c, part, total WHERE total >= 2 AND part.n * 1.0 / total >= 0.6
  RETURN 'shopping_gender:' + part.g AS tag, part.n * 1.0 / total AS weight,
         CASE WHEN total >= 6 THEN 0.9 ELSE 0.6 END AS confidence,
         [toString(part.n) + ' of ' + toString(total) + ' gender-targeted items for ' + part.g,
          'orders ' + apoc.text.join(part.orders, ', ')] AS evidence
  UNION ALL
  // purchase_category
  MATCH (c)-[:PLACED]->(o:Order)-[r:CONTAINS]->(:Product)-[:IN_CATEGORY]->(:Category)
        -[:SUBCATEGORY_OF*0..]->(top:Category)
  WHERE NOT (top)-[:SUBCATEGORY_OF]->() AND o.placedAt <= datetime($now)
  WITH c, top, sum(r.quantity) AS n, apoc.coll.sort(collect(DISTINCT o.orderId))[0..5] AS orders
  WITH c, collect({top: top.name, n: n, orders: orders}) AS tops, sum(n) AS total
  UNWIND tops AS t
  WITH c, t, total WHERE t.n * 1.0 / total >= 0.15
  RETURN 'purchase_category:' + t.top AS tag, t.n * 1.0 / total AS weight,
         CASE WHEN total >= 5 THEN 0.9 ELSE 0.6 END AS confidence,
         [toString(t.n) + ' of ' + toString(total) + ' items', 'orders ' + apoc.text.join(t.orders, ', ')] AS evidence
  UNION ALL
  // price_sensitivity
  MATCH (c)-[:PLACED]->(o:Order)-[r:CONTAINS]->(p:Product)
  WHERE p.price > 0 AND o.placedAt <= datetime($now)
  // rounded: the mean's last bits depend on the order the lines are read in, and a ratio of
  // exactly 0.9 or 1.1 (a 10% discount) would otherwise change band on an unchanged graph
  WITH c, round(avg(r.unitPrice / p.price), 9) AS ratio, count(r) AS n
  RETURN 'price_sensitivity:' + CASE WHEN ratio < 0.9 THEN 'high' WHEN ratio > 1.1 THEN 'low' ELSE 'medium' END AS tag,
         CASE WHEN abs(ratio - 1.0) * 4 > 1 THEN 1.0 ELSE 0.5 + abs(ratio - 1.0) * 2 END AS weight,
         CASE WHEN n >= 5 THEN 0.9 ELSE 0.5 END AS confidence,
         ['paid ' + toString(round(ratio * 100)) + '% of list price over ' + toString(n) + ' items'] AS evidence
  UNION ALL
  // review_tendency
  MATCH (c)-[:PLACED]->(:Order)-[r:CONTAINS]->()
  WITH c, count(r) AS lines
  WHERE lines >= 2
  OPTIONAL MATCH (c)-[:WROTE]->(rv:Review)
  // the mean as sum / count of whole ratings: avg() keeps a running mean whose last bits depend
  // on the order the reviews are read in, and the evidence rounds it (4.25 became 4.2 or 4.3)
  WITH c, lines, count(rv) AS reviews, sum(rv.rating) AS total
  WITH c, lines, reviews, CASE WHEN reviews > 0 THEN total * 1.0 / reviews END AS rating
  WITH c, lines, reviews, rating, reviews * 1.0 / lines AS rate
  RETURN 'review_tendency:' + CASE WHEN reviews = 0 THEN 'silent' WHEN rating >= 4.5 THEN 'promoter'
           WHEN rating <= 2.5 THEN 'critic' ELSE 'reviewer' END AS tag,
         CASE WHEN reviews = 0 THEN 1.0 ELSE CASE WHEN rate > 1 THEN 1.0 ELSE rate END END AS weight,
         CASE WHEN lines >= 5 THEN 0.9 ELSE 0.6 END AS confidence,
         [toString(reviews) + ' reviews for ' + toString(lines) + ' items bought' +
          CASE WHEN rating IS NULL THEN '' ELSE ', mean rating ' + toString(round(rating * 10) / 10) END] AS evidence
  UNION ALL
  // brand_affinity
  MATCH (c)-[:PLACED]->(o:Order)-[:CONTAINS]->(:Product)-[:MADE_BY]->(b:Brand)
  WHERE o.placedAt <= datetime($now)
  WITH c, b, count(DISTINCT o) AS orders,
       sum(0.5 ^ (duration.inDays(o.placedAt, datetime($now)).days / $halfLifeDays)) AS s,
       apoc.coll.sort(collect(DISTINCT o.orderId))[0..5] AS ids
  WHERE orders >= 2
  RETURN 'brand_affinity:' + b.name AS tag, s / (s + 1.0) AS weight,
         CASE WHEN orders >= 3 THEN 0.9 ELSE 0.7 END AS confidence,
         [toString(orders) + ' orders with ' + b.name, 'orders ' + apoc.text.join(ids, ', ')] AS evidence
}
RETURN c.customerId AS id, tag, weight, confidence, evidence
