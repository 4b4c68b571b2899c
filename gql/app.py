"""The Starlette application: ``/graphql`` (with GraphiQL) and ``/healthz``.

The lifespan owns the one driver of the process and hands it to handlers through
``app.state``. The driver reconnects by itself, so the API recovers when Neo4j restarts.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from gql.context import Context
from gql.schema import schema
from graph.db import Database
from graph.errors import CkgError
from graph.settings import Settings, get_settings

log = logging.getLogger("ckg.api")


class CkgGraphQL(GraphQL[Context, None]):
    async def get_context(self, request: Request, response: Any = None) -> Context:  # type: ignore[override]
        return Context(request=request, db=request.app.state.db)


async def healthz(request: Request) -> Response:
    db: Database = request.app.state.db
    try:
        await run_in_threadpool(db.ping)
    except CkgError as exc:
        return JSONResponse({"status": "down", "neo4j": "down", "reason": str(exc)}, status_code=503)
    return JSONResponse({"status": "up", "neo4j": "up"})


def create_app(settings: Settings | None = None) -> Starlette:
    """Assemble the API for ``settings`` (read from the environment when omitted)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.db = Database(settings)
        try:
            yield
        finally:
            app.state.db.close()

    graphql_app = CkgGraphQL(schema, graphql_ide="graphiql")
    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
        ],
        lifespan=lifespan,
    )
