// What each customer's latest consents allow, kept on the customer as `allowedUses` (one home for
// the rule; the tag writer, the consent sweep and segments read it):
// - registered data is always usable;
// - profiling unless the latest profiling consent is false;
// - sensitive_inference only while profiling is allowed and the latest sensitive_inference is true;
// - marketing (segments, audiences, exports) unless the latest marketing consent is false.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
CALL (c) {
  OPTIONAL MATCH (c)-[:GAVE]->(k:Consent)
  WITH k ORDER BY k.at DESC, k.consentId DESC
  WITH k.purpose AS purpose, collect(k.granted)[0] AS granted
  RETURN collect([purpose, granted]) AS latest
}
WITH c, [x IN latest WHERE x[0] = 'profiling' | x[1]][0] AS profiling,
     [x IN latest WHERE x[0] = 'sensitive_inference' | x[1]][0] AS sensitive,
     [x IN latest WHERE x[0] = 'marketing' | x[1]][0] AS marketing
WITH c, ['registered']
  + CASE WHEN coalesce(profiling, true) THEN ['profiling'] ELSE [] END
  + CASE WHEN coalesce(profiling, true) AND coalesce(sensitive, false) THEN ['sensitive_inference'] ELSE [] END
  + CASE WHEN coalesce(marketing, true) THEN ['marketing'] ELSE [] END AS uses
// an unchanged customer is not written
WHERE c.allowedUses IS NULL OR c.allowedUses <> uses
SET c.allowedUses = uses
RETURN count(c) AS customers
