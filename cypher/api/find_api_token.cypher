// A usable token: not revoked, not expired. Times as epoch milliseconds (the cache compares them).
MATCH (t:ApiToken {tokenHash: $hash})
WHERE t.revokedAt IS NULL AND (t.expiresAt IS NULL OR t.expiresAt > datetime())
RETURN t.role AS role, t.name AS name, t.expiresAt.epochMillis AS expiresAtMs,
       CASE WHEN t.lastUsedAt IS NULL THEN null
            ELSE duration.inSeconds(t.lastUsedAt, datetime()).seconds END AS secondsSinceUsed
