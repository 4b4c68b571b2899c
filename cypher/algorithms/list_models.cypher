// Fitted models of a kind (or every kind), newest calibration first.
MATCH (m:Model)
WHERE $kind IS NULL OR m.kind = $kind
RETURN m.kind AS kind, toString(m.calibrationEnd) AS calibrationEnd, m.r AS r, m.alpha AS alpha, m.a AS a,
       m.b AS b, m.logLikelihood AS logLikelihood, m.customers AS customers, m.calibration AS calibration,
       toString(m.fittedAt) AS fittedAt
ORDER BY m.calibrationEnd DESC, m.kind
