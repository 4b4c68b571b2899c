// Withdrawal at once: tags whose basis the customer's consents no longer allow.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[h:HAS_TAG]->(t:Tag)
WHERE NOT coalesce(t.basis, 'profiling') IN coalesce(c.allowedUses, $defaultUses)
DELETE h
RETURN count(h) AS dropped
