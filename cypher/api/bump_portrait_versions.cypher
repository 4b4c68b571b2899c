// These customers' portraits changed: each one's own version moves, so caches in every API worker
// (and subscriptions) see a new version on their next read. Only these customers' nodes are
// locked: no node that every writer shares, so concurrent recordEvents, consents and loads of
// different customers never wait for each other here. The first SET reads the property it writes,
// which makes Cypher take the node's write lock before the read (no lost increment); the second
// lifts the version to the clock, so a customer erased and loaded again under the same id never
// shows a version an old cache entry holds.
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
SET c.portraitVersion = coalesce(c.portraitVersion, 0) + 1
SET c.portraitVersion = CASE WHEN c.portraitVersion < timestamp() THEN timestamp() ELSE c.portraitVersion END
RETURN count(c) AS customers
