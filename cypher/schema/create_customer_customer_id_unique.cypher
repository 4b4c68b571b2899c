CREATE CONSTRAINT customer_customer_id_unique IF NOT EXISTS
FOR (n:Customer) REQUIRE n.customerId IS UNIQUE
