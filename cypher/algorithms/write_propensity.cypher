UNWIND $rows AS row
MATCH (c:Customer {customerId: row.id})
SET c.pAlive = row.pAlive, c.expectedPurchases90d = row.expected90d, c.propensityAt = datetime($now)
