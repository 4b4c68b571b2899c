// Audit trail without personal data: who did what to which (hashed) subject, and when.
CREATE (a:AuditEntry {auditId: randomUUID(), at: datetime(), actor: $actor, action: $action,
                      subjectHash: $subjectHash, detail: $detail})
RETURN a.auditId AS auditId
