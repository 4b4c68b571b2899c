// The identity graph's candidates: pairs of customer records that share a device, an email or a
// phone, compared on normalised values (emails trimmed and lower-cased, phones digits only), or
// whose emails may be one typing error apart ('similar_email'): the same domain and a local part
// that equals the other's once one character is dropped from either (a blocking key that every
// pair one edit apart shares; graph.algorithms.identity.similar_emails confirms each candidate).
// Included by stream_identity_edges, which both engines read; graph.algorithms.identity weighs
// the evidence. An identifier shared by more than $maxShared records is not personal: skipped;
// a device used by more than $maxPersonalDevice records (all of its records, also when only
// $ids are regrouped) is a family tablet or a shop kiosk: 'shared_device', which weighs nothing;
// local parts shorter than $minLocal have no similar emails.
// $ids: null for everyone, or the records to regroup (both ends among them; erasure uses it).
// $part of $parts: the similar-email keys are grouped only for keys whose length modulo $parts is
// $part (their grouping outgrew a transaction's memory at a million customers: ten keys an email);
// the other kinds come with part 0. Over parts 0..$parts-1 every candidate comes at least once
// (a pair sharing several keys may come from several parts).
MATCH (d:Device)<-[:USES]-(c:Customer) WHERE $part = 0 AND ($ids IS NULL OR c.customerId IN $ids)
WITH d, collect(DISTINCT c) AS records WHERE size(records) > 1
WITH d, records, CASE WHEN $ids IS NULL THEN size(records) ELSE COUNT { (d)<-[:USES]-(:Customer) } END AS users
WHERE users <= $maxShared
UNWIND records AS a
UNWIND records AS b
WITH a, b, users WHERE a.customerId < b.customerId
RETURN a, b, CASE WHEN users <= $maxPersonalDevice THEN 'device' ELSE 'shared_device' END AS via
UNION ALL
MATCH (c:Customer) WHERE $part = 0 AND c.email IS NOT NULL AND ($ids IS NULL OR c.customerId IN $ids)
WITH toLower(trim(c.email)) AS key, collect(c) AS records WHERE key <> '' AND 1 < size(records) <= $maxShared
UNWIND records AS a
UNWIND records AS b
WITH a, b WHERE a.customerId < b.customerId
RETURN a, b, 'email' AS via
UNION ALL
MATCH (c:Customer) WHERE c.email IS NOT NULL AND ($ids IS NULL OR c.customerId IN $ids)
WITH c, split(toLower(trim(c.email)), '@') AS parts
WHERE size(parts) = 2 AND size(parts[0]) >= $minLocal
WITH c, parts[0] AS local, '@' + parts[1] AS domain
UNWIND range(-1, size(local) - 1) AS i
WITH c, CASE i WHEN -1 THEN local ELSE left(local, i) + substring(local, i + 1) END + domain AS key
WHERE size(key) % $parts = $part
WITH key, collect(DISTINCT c) AS records WHERE 1 < size(records) <= $maxShared
UNWIND records AS a
UNWIND records AS b
WITH a, b WHERE a.customerId < b.customerId AND toLower(trim(a.email)) <> toLower(trim(b.email))
RETURN DISTINCT a, b, 'similar_email' AS via
UNION ALL
MATCH (c:Customer) WHERE $part = 0 AND c.phone IS NOT NULL AND ($ids IS NULL OR c.customerId IN $ids)
WITH reduce(digits = '', ch IN split(c.phone, '') |
            digits + CASE WHEN ch >= '0' AND ch <= '9' THEN ch ELSE '' END) AS key, collect(c) AS records
WHERE size(key) >= 6 AND 1 < size(records) <= $maxShared
UNWIND records AS a
UNWIND records AS b
WITH a, b WHERE a.customerId < b.customerId
RETURN a, b, 'phone' AS via
