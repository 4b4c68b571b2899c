// One page of customers matching the filter (null filters are ignored); keyset on customerId.
// A sensitive tag, dimension or segment matches only for admins ($includeSensitive): for everyone
// else the answer is the same whoever holds it. The keyset is one range on customerId (no OR), so the
// uniqueness constraint's index walks the ids in order and the walk stops at $limit matches.
MATCH (c:Customer)
WHERE c.customerId > coalesce($after, '')
  AND ($country IS NULL OR c.country = $country)
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
RETURN c.customerId AS id ORDER BY id LIMIT $limit
