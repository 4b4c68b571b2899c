// A consent decision recorded through the API; the latest record per purpose decides.
MATCH (c:Customer {customerId: $id})
CREATE (c)-[:GAVE]->(k:Consent {consentId: $consentId, purpose: $purpose, granted: $granted,
                               at: datetime($at), source: $source})
RETURN k.consentId AS consentId
