// The identity graph's candidates: pairs of customer records that share a device, an email or a
// phone, compared on normalised values (emails trimmed and lower-cased, phones digits only), or
// whose emails may be one typing error apart ('similar_email'): the same domain and a local part
// that equals the other's once one character is dropped from either (a blocking key that every
// pair one edit apart shares; graph.algorithms.identity.similar_emails confirms each candidate).
// Included by stream_identity_edges, which both engines read; graph.algorithms.identity weighs
// the evidence. An identifier shared by more than $maxShared records is not personal: skipped.
// $ids: null for everyone, or the records to regroup (both ends among them; erasure uses it).
MATCH (d:Device)<-[:USES]-(c:Customer) WHERE $ids IS NULL OR c.customerId IN $ids
WITH d, collect(c) AS records WHERE 1 < size(records) <= $maxShared
UNWIND records AS a
UNWIND records AS b
WITH a, b WHERE a.customerId < b.customerId
RETURN a, b, 'device' AS via
UNION ALL
MATCH (c:Customer) WHERE c.email IS NOT NULL AND ($ids IS NULL OR c.customerId IN $ids)
WITH toLower(trim(c.email)) AS key, collect(c) AS records WHERE key <> '' AND 1 < size(records) <= $maxShared
UNWIND records AS a
UNWIND records AS b
WITH a, b WHERE a.customerId < b.customerId
RETURN a, b, 'email' AS via
UNION ALL
MATCH (c:Customer) WHERE c.email IS NOT NULL AND ($ids IS NULL OR c.customerId IN $ids)
WITH c, toLower(trim(c.email)) AS email
WITH c, email, split(email, '@') AS parts WHERE size(parts) = 2 AND size(parts[0]) >= 2
UNWIND range(-1, size(parts[0]) - 1) AS i
WITH parts[1] + '@' + CASE i WHEN -1 THEN parts[0] ELSE substring(parts[0], 0, i) + substring(parts[0], i + 1) END
     AS key, collect(DISTINCT {record: c, email: email}) AS records
WHERE 1 < size(records) <= $maxShared
UNWIND records AS x
UNWIND records AS y
WITH x, y WHERE x.record.customerId < y.record.customerId AND x.email <> y.email
RETURN DISTINCT x.record AS a, y.record AS b, 'similar_email' AS via
UNION ALL
MATCH (c:Customer) WHERE c.phone IS NOT NULL AND ($ids IS NULL OR c.customerId IN $ids)
WITH reduce(digits = '', ch IN split(c.phone, '') |
            digits + CASE WHEN ch >= '0' AND ch <= '9' THEN ch ELSE '' END) AS key, collect(c) AS records
WHERE size(key) >= 6 AND 1 < size(records) <= $maxShared
UNWIND records AS a
UNWIND records AS b
WITH a, b WHERE a.customerId < b.customerId
RETURN a, b, 'phone' AS via
