UNWIND $ids AS id
MATCH (c:Customer {customerId: id}) WHERE c.occupation IS NOT NULL
RETURN c.customerId AS id, 'occupation:' + c.occupation AS tag, 1.0 AS weight, 1.0 AS confidence,
       ['occupation = ' + c.occupation] AS evidence
