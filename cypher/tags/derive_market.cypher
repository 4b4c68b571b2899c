UNWIND $ids AS id
MATCH (c:Customer {customerId: id}) WHERE c.country IS NOT NULL
RETURN c.customerId AS id, 'market:' + c.country AS tag, 1.0 AS weight, 1.0 AS confidence,
       ['country = ' + c.country] AS evidence
