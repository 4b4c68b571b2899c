// Customers whose latest consents allow a basis (graph.consent), read as the tag writer reads them
// (a customer without allowedUses has the defaults): the customers a family may decide for.
MATCH (c:Customer) WHERE $purpose IN coalesce(c.allowedUses, $defaultUses)
RETURN c.customerId AS id
