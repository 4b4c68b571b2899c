UNWIND $ids AS id
MATCH (c:Customer {customerId: id}) WHERE c.device IS NOT NULL
RETURN c.customerId AS id, 'device:' + c.device AS tag, 1.0 AS weight, 1.0 AS confidence,
       ['device = ' + c.device] AS evidence
