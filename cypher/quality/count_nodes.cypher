// All nodes of the shop's data (the denominator of the orphan share).
MATCH (n)
WHERE NOT (n:ApiToken OR n:AuditEntry OR n:Job OR n:Lock OR n:Suppressed OR n:Load OR n:LoadStart OR n:Segment OR n:RefreshState
             OR n:ChangeCounter OR n:IdSequence)
RETURN count(n) AS total
