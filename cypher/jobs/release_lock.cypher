MATCH (l:Lock {name: $name}) WHERE l.holder = $holder
REMOVE l.holder, l.since, l.expiresAt
RETURN count(l) AS released
