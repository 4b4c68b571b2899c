// Audit entries, newest first; optionally about one subject (its keyed hash) and since a time.
MATCH (a:AuditEntry)
WHERE ($subjectHash IS NULL OR a.subjectHash = $subjectHash) AND ($since IS NULL OR a.at >= datetime($since))
RETURN a.auditId AS auditId, toString(a.at) AS at, a.actor AS actor, a.action AS action,
       a.subjectHash AS subjectHash, a.detail AS detail
ORDER BY a.at DESC LIMIT $limit
