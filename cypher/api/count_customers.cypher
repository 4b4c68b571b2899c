// How many customers match the filter; sensitive tags and segments count only for admins.
MATCH (c:Customer)
WHERE ($country IS NULL OR c.country = $country)
  AND ($tag IS NULL OR EXISTS {
        (c)-[h:HAS_TAG]->(t:Tag {name: $tag}) WHERE h.weight >= $minWeight
          AND ($includeSensitive OR NOT coalesce(t.sensitive, false)) })
  AND ($dimension IS NULL OR EXISTS {
        (c)-[h:HAS_TAG]->(t:Tag {dimension: $dimension}) WHERE h.weight >= $minWeight
          AND ($includeSensitive OR NOT coalesce(t.sensitive, false)) })
  AND ($community IS NULL OR EXISTS { (c)-[:MEMBER_OF]->(:Community {communityId: $community}) }
       AND coalesce('profiling' IN c.allowedUses, true))
  AND ($segment IS NULL OR EXISTS {
        (c)-[:IN_SEGMENT]->(s:Segment {name: $segment}) WHERE $includeSensitive OR NOT coalesce(s.sensitive, false) })
RETURN count(c) AS n
