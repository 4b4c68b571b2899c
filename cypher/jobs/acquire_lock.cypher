// Take a named lock unless someone else holds it and it has not expired. The SET before the
// check takes the node's write lock first, so two callers cannot both read "free".
MERGE (l:Lock {name: $name})
SET l.touched = datetime()
WITH l, l.holder IS NULL OR l.holder = $holder OR l.expiresAt < datetime() AS free
SET l.holder = CASE WHEN free THEN $holder ELSE l.holder END,
    l.since = CASE WHEN free THEN datetime() ELSE l.since END,
    l.expiresAt = CASE WHEN free THEN datetime() + duration({seconds: $ttlSeconds}) ELSE l.expiresAt END
RETURN l.holder AS holder, toString(l.since) AS since
