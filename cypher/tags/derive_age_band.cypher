UNWIND $ids AS id
MATCH (c:Customer {customerId: id}) WHERE c.birthYear IS NOT NULL
WITH c, datetime($now).year - c.birthYear AS age
WITH c, age, CASE WHEN age < 18 THEN 'under_18' WHEN age < 25 THEN '18_24' WHEN age < 35 THEN '25_34'
  WHEN age < 45 THEN '35_44' WHEN age < 55 THEN '45_54' WHEN age < 65 THEN '55_64' ELSE '65_plus' END AS band
RETURN c.customerId AS id, 'age_band:' + band AS tag, 1.0 AS weight, 1.0 AS confidence,
       ['birthYear ' + toString(c.birthYear) + ', age ' + toString(age)] AS evidence
