// The tag catalogue as used: every tag with how many hold it.
MATCH (t:Tag)
WHERE $includeSensitive OR NOT coalesce(t.sensitive, false)
OPTIONAL MATCH (t)<-[h:HAS_TAG]-()
RETURN t.name AS name, t.family AS family, t.dimension AS dimension, t.description AS description,
       t.sensitive AS sensitive, count(h) AS holders
ORDER BY dimension, name
