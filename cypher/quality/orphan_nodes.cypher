// Nodes of the shop's data with no relationship at all, by label (ckg's own bookkeeping nodes, which
// stand alone by design, are left out).
MATCH (n)
WHERE NOT (n)--()
  AND NOT (n:ApiToken OR n:AuditEntry OR n:Job OR n:Lock OR n:Suppressed OR n:Load OR n:LoadStart OR n:Segment OR n:RefreshState
             OR n:ChangeCounter OR n:IdSequence)
RETURN labels(n)[0] AS label, count(*) AS orphans
ORDER BY orphans DESC, label
