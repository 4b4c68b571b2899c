// Read audit, written in batches: who (token name) read which personal field or sensitive tag of
// which subject (keyed hash), and when.
UNWIND $rows AS row
CREATE (:AuditEntry {auditId: randomUUID(), at: datetime(row.at), actor: row.actor, action: row.action,
                     subjectHash: row.subjectHash, detail: row.detail})
