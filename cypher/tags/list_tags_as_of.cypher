// A customer's tags as they stood at $asOf: current versions that had begun by then
// (since <= asOf) and ended versions that held then (validFrom <= asOf < validTo).
// No row when the customer does not exist.
MATCH (c:Customer {customerId: $id})
CALL (c) {
  CALL (c) {
    MATCH (c)-[h:HAS_TAG]->(t:Tag) WHERE coalesce(h.since, h.computedAt) <= datetime($asOf)
    RETURN t, coalesce(h.since, h.computedAt) AS validFrom, null AS validTo, h.weight AS weight,
           h.confidence AS confidence, h.source AS source, null AS reason, elementId(h) AS key
    UNION ALL
    MATCH (c)-[h:HAD_TAG]->(t:Tag) WHERE h.validFrom <= datetime($asOf) < h.validTo
    RETURN t, h.validFrom AS validFrom, h.validTo AS validTo, h.weight AS weight, h.confidence AS confidence,
           h.source AS source, h.reason AS reason, elementId(h) AS key
  }
  WITH * WHERE $includeSensitive OR NOT coalesce(t.sensitive, false)
  WITH * ORDER BY t.dimension, weight DESC, t.name
  RETURN collect({tag: t.name, family: t.family, dimension: t.dimension, sensitive: coalesce(t.sensitive, false),
                  weight: weight, confidence: confidence, source: source, reason: reason,
                  validFrom: toString(validFrom), validTo: toString(validTo), key: key}) AS tags
}
RETURN tags
