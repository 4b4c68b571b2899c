UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
RETURN id
