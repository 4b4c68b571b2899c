// Customers whose shopping gender tag differs from their registered gender.
MATCH (c:Customer)-[:HAS_TAG]->(t:Tag {family: 'shopping_gender'})
WHERE c.gender IN ['F', 'M'] AND t.name <> 'shopping_gender:' + c.gender
RETURN c.customerId AS id
