// Candidate pairs of customer records sharing an email, a phone or a device, with their names
// (name similarity supports or contradicts a link).
CALL () { {{ include algorithms/identity_pairs }} }
RETURN a.customerId AS source, b.customerId AS target, via, a.name AS sourceName, b.name AS targetName
