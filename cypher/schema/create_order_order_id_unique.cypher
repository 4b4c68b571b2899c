CREATE CONSTRAINT order_order_id_unique IF NOT EXISTS
FOR (n:Order) REQUIRE n.orderId IS UNIQUE
