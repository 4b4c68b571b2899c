UNWIND $ids AS id
MATCH (e:Enterprise {enterpriseId: id})
CALL (e) {
  MATCH (e)-[:SENT]->(:Inquiry)-[:ABOUT]->(p:Product) RETURN p
  UNION ALL
  MATCH (e)-[:PLACED]->(:Order)-[:CONTAINS]->(p:Product) RETURN p
}
MATCH (p)-[:IN_CATEGORY]->(:Category)-[:SUBCATEGORY_OF*0..]->(top:Category)
WHERE NOT (top)-[:SUBCATEGORY_OF]->()
WITH e, top.name AS top, count(*) AS n
WITH e, collect({top: top, n: n}) AS tops, sum(n) AS total
UNWIND tops AS t
RETURN e.enterpriseId AS id, 'enterprise_interest:' + t.top AS tag, t.n * 1.0 / total AS weight,
       CASE WHEN total >= 3 THEN 0.9 ELSE 0.6 END AS confidence,
       [toString(t.n) + ' of ' + toString(total) + ' inquiries and order lines'] AS evidence
