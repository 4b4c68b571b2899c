UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:PLACED]->(:Order)-[r:CONTAINS]->()
WITH c, count(r) AS lines
WHERE lines >= 2
OPTIONAL MATCH (c)-[:WROTE]->(rv:Review)
WITH c, lines, count(rv) AS reviews, avg(rv.rating) AS rating
WITH c, lines, reviews, rating, reviews * 1.0 / lines AS rate
RETURN c.customerId AS id,
       'review_tendency:' + CASE WHEN reviews = 0 THEN 'silent' WHEN rating >= 4.5 THEN 'promoter'
         WHEN rating <= 2.5 THEN 'critic' ELSE 'reviewer' END AS tag,
       CASE WHEN reviews = 0 THEN 1.0 ELSE CASE WHEN rate > 1 THEN 1.0 ELSE rate END END AS weight,
       CASE WHEN lines >= 5 THEN 0.9 ELSE 0.6 END AS confidence,
       [toString(reviews) + ' reviews for ' + toString(lines) + ' items bought' +
        CASE WHEN rating IS NULL THEN '' ELSE ', mean rating ' + toString(round(rating * 10) / 10) END] AS evidence
