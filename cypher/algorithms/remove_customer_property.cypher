// Drops a scratch property from every customer (bench/communities.py: after the write-mode run).
MATCH (c:Customer) WHERE c[$property] IS NOT NULL
CALL (c) { REMOVE c[$property] } IN TRANSACTIONS OF 10000 ROWS
