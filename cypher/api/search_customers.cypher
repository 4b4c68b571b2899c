// Customers whose e-mail equals the text or whose name contains it (both case-insensitive), by id.
// Personal data: only for roles that may read it (the API checks before running this).
MATCH (c:Customer)
WHERE toLower(c.email) = toLower($text) OR toLower(c.name) CONTAINS toLower($text)
RETURN c.customerId AS id
ORDER BY id
LIMIT $first
