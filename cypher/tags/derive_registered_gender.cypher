UNWIND $ids AS id
MATCH (c:Customer {customerId: id}) WHERE c.gender IS NOT NULL
RETURN c.customerId AS id, 'registered_gender:' + c.gender AS tag, 1.0 AS weight, 1.0 AS confidence,
       ['gender = ' + c.gender] AS evidence
