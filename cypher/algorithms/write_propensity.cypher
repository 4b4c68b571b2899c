// BG/NBD scores, only where the customer allows profiling (checked again here: a withdrawal may
// come while the refresh runs; graph.consent).
UNWIND $rows AS row
MATCH (c:Customer {customerId: row.id})
WHERE 'profiling' IN coalesce(c.allowedUses, $defaultUses)
SET c.pAlive = row.pAlive, c.expectedPurchases90d = row.expected90d, c.propensityAt = datetime($now)
