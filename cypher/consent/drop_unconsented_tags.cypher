// Withdrawal at once: tags whose basis the customer's consents no longer allow go, and so does
// their history (HAD_TAG): what consent forbids is neither held nor remembered (docs/model.md).
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[h:HAS_TAG|HAD_TAG]->(t:Tag)
WHERE NOT coalesce(t.basis, 'profiling') IN coalesce(c.allowedUses, $defaultUses)
WITH h, type(h) = 'HAS_TAG' AS current
DELETE h
RETURN count(CASE WHEN current THEN 1 END) AS dropped
