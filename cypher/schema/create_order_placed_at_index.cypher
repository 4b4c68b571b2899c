CREATE INDEX order_placed_at_index IF NOT EXISTS
FOR (n:Order) ON (n.placedAt)
