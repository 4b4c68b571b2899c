"""The domain core of ckg: knows Neo4j, knows nothing of HTTP."""
