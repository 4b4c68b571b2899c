CREATE CONSTRAINT audit_entry_audit_id_unique IF NOT EXISTS
FOR (n:AuditEntry) REQUIRE n.auditId IS UNIQUE
