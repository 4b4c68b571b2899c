// Deletes every node in batches (run delete_all_relationships first); the schema stays.
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS
