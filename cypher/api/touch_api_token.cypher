// "Last used": the API calls this at most once a minute per token, and it writes only when the
// stored time is older than that (several API processes share one token).
MATCH (t:ApiToken {tokenHash: $hash})
WHERE t.lastUsedAt IS NULL OR t.lastUsedAt <= datetime() - duration({seconds: $everySeconds})
SET t.lastUsedAt = datetime()
