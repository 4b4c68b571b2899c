// A fitted model, kept in the graph: one per kind and calibration end (a replay with the same
// --as-of replaces its own fit, other fits stay), with its parameters, fit and time of fitting.
MERGE (m:Model {kind: $kind, calibrationEnd: datetime($calibrationEnd)})
SET m.parameters = $names, m.r = $r, m.alpha = $alpha, m.a = $a, m.b = $b,
    m.logLikelihood = $logLikelihood, m.customers = $customers, m.calibration = $calibration,
    m.fittedAt = datetime()
RETURN m.kind AS kind
