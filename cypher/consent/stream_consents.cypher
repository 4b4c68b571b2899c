// A customer's consent history, newest first, and what it allows now.
MATCH (c:Customer {customerId: $id})
OPTIONAL MATCH (c)-[:GAVE]->(k:Consent)
WITH c, k ORDER BY k.at DESC, k.consentId DESC
RETURN c.allowedUses AS allowedUses,
       [x IN collect(k) | {consentId: x.consentId, purpose: x.purpose, granted: x.granted,
                           at: toString(x.at), source: x.source}] AS history
