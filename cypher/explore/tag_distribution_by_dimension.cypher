// How many distinct tags and tag assignments each dimension holds.
MATCH (t:Tag)<-[h:HAS_TAG]-()
RETURN t.dimension AS dimension, count(DISTINCT t) AS tags, count(h) AS assignments,
       round(avg(h.weight), 3) AS meanWeight
ORDER BY assignments DESC
