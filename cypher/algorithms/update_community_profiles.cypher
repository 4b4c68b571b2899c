// Size and dominant interests of the communities of a kind ($ids null), or of the given ones ($kind null).
// Written only where they changed, so a refresh with nothing new writes nothing.
MATCH (k:Community)<-[:MEMBER_OF]-(c:Customer)
WHERE ($kind IS NULL OR k.kind = $kind) AND ($ids IS NULL OR k.communityId IN $ids)
WITH k, count(c) AS size, collect(c) AS members
CALL (members) {
  UNWIND members AS m
  MATCH (m)-[h:HAS_TAG]->(t:Tag {family: 'purchase_category'})
  WITH t.name AS tag, sum(h.weight) AS w ORDER BY w DESC, tag LIMIT 3
  RETURN collect(substring(tag, 18)) AS interests
}
WITH k, size, interests WHERE k.size IS NULL OR k.size <> size OR k.dominantInterests IS NULL
                          OR k.dominantInterests <> interests
SET k.size = size, k.dominantInterests = interests
RETURN count(k) AS communities
