// One pass over what the customer registered (their node and acquisition channel), for the
// families age_band, registered_gender, device, acquisition_channel, market, language, occupation:
// each family is one branch below.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
CALL (c) {
  // age_band: the age band from the birth year
  WITH c WHERE c.birthYear IS NOT NULL
  WITH c, datetime($now).year - c.birthYear AS age
  RETURN 'age_band:' + CASE WHEN age < 18 THEN 'under_18' WHEN age < 25 THEN '18_24' WHEN age < 35 THEN '25_34'
           WHEN age < 45 THEN '35_44' WHEN age < 55 THEN '45_54' WHEN age < 65 THEN '55_64' ELSE '65_plus' END AS tag,
         1.0 AS weight, 1.0 AS confidence, ['birthYear ' + toString(c.birthYear) + ', age ' + toString(age)] AS evidence
  UNION ALL
  // registered_gender
  WITH c WHERE c.gender IS NOT NULL
  RETURN 'registered_gender:' + c.gender AS tag, 1.0 AS weight, 1.0 AS confidence, ['gender = ' + c.gender] AS evidence
  UNION ALL
  // device
  WITH c WHERE c.device IS NOT NULL
  RETURN 'device:' + c.device AS tag, 1.0 AS weight, 1.0 AS confidence, ['device = ' + c.device] AS evidence
  UNION ALL
  // acquisition_channel
  MATCH (c)-[:ACQUIRED_VIA]->(ch:Channel)
  RETURN 'acquisition_channel:' + ch.channelId AS tag, 1.0 AS weight, 1.0 AS confidence,
         ['acquired via ' + ch.name] AS evidence
  UNION ALL
  // market
  WITH c WHERE c.country IS NOT NULL
  RETURN 'market:' + c.country AS tag, 1.0 AS weight, 1.0 AS confidence, ['country = ' + c.country] AS evidence
  UNION ALL
  // language
  WITH c WHERE c.language IS NOT NULL
  RETURN 'language:' + c.language AS tag, 1.0 AS weight, 1.0 AS confidence, ['language = ' + c.language] AS evidence
  UNION ALL
  // occupation
  WITH c WHERE c.occupation IS NOT NULL
  RETURN 'occupation:' + c.occupation AS tag, 1.0 AS weight, 1.0 AS confidence,
         ['occupation = ' + c.occupation] AS evidence
}
RETURN c.customerId AS id, tag, weight, confidence, evidence
