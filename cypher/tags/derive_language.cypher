UNWIND $ids AS id
MATCH (c:Customer {customerId: id}) WHERE c.language IS NOT NULL
RETURN c.customerId AS id, 'language:' + c.language AS tag, 1.0 AS weight, 1.0 AS confidence,
       ['language = ' + c.language] AS evidence
