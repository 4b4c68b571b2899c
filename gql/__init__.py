"""GraphQL adapter (Strawberry on Starlette). Calls :mod:`graph`; never imports the neo4j driver."""
