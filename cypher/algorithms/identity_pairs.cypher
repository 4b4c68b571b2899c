// The identity graph's candidates: pairs of customer records that share a device, an email or a
// phone, compared on normalised values (emails trimmed and lower-cased, phones digits only).
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
MATCH (c:Customer) WHERE c.phone IS NOT NULL AND ($ids IS NULL OR c.customerId IN $ids)
WITH reduce(digits = '', ch IN split(c.phone, '') |
            digits + CASE WHEN ch >= '0' AND ch <= '9' THEN ch ELSE '' END) AS key, collect(c) AS records
WHERE size(key) >= 6 AND 1 < size(records) <= $maxShared
UNWIND records AS a
UNWIND records AS b
WITH a, b WHERE a.customerId < b.customerId
RETURN a, b, 'phone' AS via
