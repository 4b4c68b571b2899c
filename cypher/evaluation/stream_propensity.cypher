// Every customer the BG/NBD model scored at the last full refresh.
MATCH (c:Customer) WHERE c.pAlive IS NOT NULL
RETURN c.customerId AS id, c.pAlive AS pAlive, c.expectedPurchases90d AS expected90d
