// Candidate pairs of customer records sharing an email, a phone or a device, or with similar
// emails, with their names (name similarity supports or contradicts a link) and emails (a similar
// email is confirmed in graph.algorithms.identity).
CALL () { {{ include algorithms/identity_pairs }} }
RETURN a.customerId AS source, b.customerId AS target, via, a.name AS sourceName, b.name AS targetName,
       a.email AS sourceEmail, b.email AS targetEmail
