// Customers whose consents do not allow $use (a customer without allowedUses has the defaults):
// the algorithms read their data where others' results depend on it, but write no result for them.
MATCH (c:Customer) WHERE NOT $use IN coalesce(c.allowedUses, $defaultUses)
RETURN c.customerId AS id
