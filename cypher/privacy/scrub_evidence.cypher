// After an erasure: no tag of these customers may still name the erased person in its evidence.
UNWIND $ids AS id
MATCH (:Customer {customerId: id})-[h:HAS_TAG]->()
WHERE any(e IN h.evidence WHERE any(x IN $needles WHERE e CONTAINS x))
SET h.evidence = [e IN h.evidence | reduce(s = e, x IN $needles | replace(s, x, '[erased]'))]
RETURN count(h) AS scrubbed
