// Take over a lock whose holder is known to be gone (a process on this host that no longer runs),
// unless someone else took it meanwhile.
MATCH (l:Lock {name: $name}) WHERE l.holder = $dead
SET l.holder = $holder, l.since = datetime(), l.expiresAt = datetime() + duration({seconds: $ttlSeconds})
RETURN l.holder AS holder
