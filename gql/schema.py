"""The GraphQL schema: thin types whose resolvers call functions in :mod:`graph`."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gql.context import Context


@strawberry.type
class ServerStatus:
    neo4j_version: str
    edition: str
    gds_version: str | None
    apoc_version: str | None


@strawberry.type
class Query:
    @strawberry.field(description="Versions of the Neo4j server behind this API.")
    def server(self, info: Info[Context, None]) -> ServerStatus:
        s = info.context.db.server_info()
        return ServerStatus(neo4j_version=s.neo4j_version, edition=s.edition,
                            gds_version=s.gds_version, apoc_version=s.apoc_version)


schema = strawberry.Schema(query=Query)
