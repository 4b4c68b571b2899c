// Enterprises with the highest purchasing potential and their recent inquiries.
MATCH (e:Enterprise) WHERE e.potentialRank <= 20
OPTIONAL MATCH (e)-[:SENT]->(i:Inquiry)-[:ABOUT]->(p:Product)
RETURN e.potentialRank AS rank, e.name AS enterprise, e.country AS country, round(e.potentialScore, 3) AS score,
       count(i) AS inquiries, collect(DISTINCT p.name)[0..3] AS askedAbout
ORDER BY rank
