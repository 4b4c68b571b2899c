CREATE CONSTRAINT device_device_id_unique IF NOT EXISTS
FOR (n:Device) REQUIRE n.deviceId IS UNIQUE
