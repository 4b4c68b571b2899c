// One pass over the customer's referrals and shares, for the families referral_activity and
// sharer: each family is one branch below.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
CALL (c) {
  // referral_activity
  MATCH (c)-[:REFERRED]->(b:Customer)
  WITH c, count(b) AS n, apoc.coll.sort(collect(b.customerId))[0..5] AS referred
  RETURN 'referral_activity:' + CASE WHEN n >= 3 THEN 'super_referrer' ELSE 'referrer' END AS tag,
         CASE WHEN n >= 5 THEN 1.0 ELSE n / 5.0 END AS weight, 1.0 AS confidence,
         ['referred ' + toString(n) + ': ' + apoc.text.join(referred, ', ')] AS evidence
  UNION ALL
  // sharer
  MATCH (c)-[:SHARED]->(s:SocialShare)
  OPTIONAL MATCH (s)-[:REACHED]->(r:Customer)
  WITH c, s.platform AS platform, count(DISTINCT s) AS shares, count(r) AS reach
  RETURN 'sharer:' + platform AS tag,
         CASE WHEN reach >= 10 THEN 1.0 ELSE reach / 10.0 END AS weight, 1.0 AS confidence,
         [toString(shares) + ' shares on ' + platform + ' reaching ' + toString(reach)] AS evidence
}
RETURN c.customerId AS id, tag, weight, confidence, evidence
