MATCH (t:ApiToken {tokenHash: $hash})
WHERE t.revokedAt IS NULL
RETURN t.role AS role, t.name AS name
