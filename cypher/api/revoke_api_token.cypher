// Revoke by name; the node stays (name, role, times) so audit entries naming it stay readable.
MATCH (t:ApiToken {name: $name})
WITH t, t.revokedAt IS NOT NULL AS alreadyRevoked
SET t.revokedAt = coalesce(t.revokedAt, datetime())
RETURN alreadyRevoked, t.revokedAt.epochMillis AS revokedAtMs
