// Every token without its secret hash; times as epoch milliseconds.
MATCH (t:ApiToken)
RETURN t.name AS name, t.role AS role, t.createdAt.epochMillis AS createdAtMs,
       t.expiresAt.epochMillis AS expiresAtMs, t.lastUsedAt.epochMillis AS lastUsedAtMs,
       t.revokedAt.epochMillis AS revokedAtMs
ORDER BY t.createdAt, t.name
