// A customer's tag versions, newest first (by the time each began): the current ones (HAS_TAG,
// validTo null) and the ended ones (HAD_TAG), of one tag or all; keyset-paged after
// ($afterFrom, $afterTag, $afterKey). No row when the customer does not exist.
MATCH (c:Customer {customerId: $id})
CALL (c) {
  CALL (c) {
    MATCH (c)-[h:HAS_TAG]->(t:Tag) WHERE $tag IS NULL OR t.name = $tag
    RETURN t, coalesce(h.since, h.computedAt) AS validFrom, null AS validTo, h.weight AS weight,
           h.confidence AS confidence, h.source AS source, null AS reason, elementId(h) AS key
    UNION ALL
    MATCH (c)-[h:HAD_TAG]->(t:Tag) WHERE $tag IS NULL OR t.name = $tag
    RETURN t, h.validFrom AS validFrom, h.validTo AS validTo, h.weight AS weight, h.confidence AS confidence,
           h.source AS source, h.reason AS reason, elementId(h) AS key
  }
  WITH * WHERE ($includeSensitive OR NOT coalesce(t.sensitive, false))
    AND ($afterFrom IS NULL OR validFrom < datetime($afterFrom)
         OR (validFrom = datetime($afterFrom) AND (t.name > $afterTag OR (t.name = $afterTag AND key > $afterKey))))
  WITH * ORDER BY validFrom DESC, t.name, key LIMIT $limit
  RETURN collect({tag: t.name, family: t.family, dimension: t.dimension, sensitive: coalesce(t.sensitive, false),
                  weight: weight, confidence: confidence, source: source, reason: reason,
                  validFrom: toString(validFrom), validTo: toString(validTo), key: key}) AS versions
}
RETURN versions
