// Referrals around customers (DataLoader batch): whom each referred and who referred them, newest first.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[r:REFERRED]-(o:Customer)
WITH id, o.customerId AS other, r.at AS at,
     CASE WHEN startNode(r) = c THEN 'REFERRED' ELSE 'REFERRED_BY' END AS direction
ORDER BY id, at DESC, other
WITH id, collect({other: other, direction: direction, at: toString(at)})[0..$first] AS referrals
UNWIND referrals AS r
RETURN id, r.other AS other, r.direction AS direction, r.at AS at
