// Similarity links from the networkx engine, only between customers who both allow profiling
// (checked again here: a withdrawal may come while the refresh runs; graph.consent).
UNWIND $rows AS row
MATCH (a:Customer {customerId: row.source})
MATCH (b:Customer {customerId: row.target})
WHERE 'profiling' IN coalesce(a.allowedUses, $defaultUses) AND 'profiling' IN coalesce(b.allowedUses, $defaultUses)
MERGE (a)-[s:SIMILAR_TO]->(b)
SET s.score = row.score, s.computedAt = datetime($now), s.source = $source
