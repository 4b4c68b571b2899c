// Customers whose latest consents allow a use (graph.consent): the population a gated tag applies to.
MATCH (c:Customer) WHERE $purpose IN coalesce(c.allowedUses, [])
RETURN c.customerId AS id
