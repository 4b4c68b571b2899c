// Pairs of customer records that share an email, a phone or a device, by customer id.
CALL () { {{ include algorithms/identity_pairs }} }
RETURN a.customerId AS source, b.customerId AS target, via
