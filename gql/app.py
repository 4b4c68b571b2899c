"""The Starlette application: ``/graphql`` (GraphiQL on GET from a browser) and ``/healthz``.

The lifespan owns the one driver of the process and hands it to handlers through ``app.state``.
The driver reconnects by itself, so the API recovers when Neo4j restarts. Every GraphQL request
needs ``Authorization: Bearer <token>`` (``ckg token create``); the GraphiQL page itself holds no
data and opens without one. A missing, unknown, expired or revoked token gets the same 401.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse

from ckg.gql.context import Context
from ckg.gql.ide import graphiql_html
from ckg.gql.schema import build_schema
from ckg.graph.auth import ApiToken, TokenCache
from ckg.graph.db import Database
from ckg.graph.errors import CkgError
from ckg.graph.settings import Settings, get_settings

log = logging.getLogger("ckg.api")
GRAPHQL_RESPONSE = "application/graphql-response+json"
_token: contextvars.ContextVar[ApiToken] = contextvars.ContextVar("ckg_token")
_media: contextvars.ContextVar[str] = contextvars.ContextVar("ckg_media", default="application/json")


#: One answer for a missing, unknown, expired or revoked token: it tells nothing about which.
UNAUTHORIZED = "a valid bearer token is required: send Authorization: Bearer <token>"


def _unauthorized() -> JSONResponse:
    return JSONResponse({"errors": [{"message": UNAUTHORIZED}]}, status_code=401,
                        headers={"WWW-Authenticate": 'Bearer realm="ckg"'})


class CkgGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app plus bearer-token auth and GraphQL-over-HTTP media types."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ide = graphiql_html()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await Response(status_code=404)(scope, receive, send)
            return
        request = Request(scope, receive)
        if request.method == "GET" and "text/html" in request.headers.get("accept", "") \
                and "query" not in request.query_params:
            await HTMLResponse(self._ide)(scope, receive, send)
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            await _unauthorized()(scope, receive, send)
            return
        try:
            found = await run_in_threadpool(request.app.state.tokens.lookup, token.strip())
        except CkgError as exc:
            await JSONResponse({"errors": [{"message": str(exc)}]}, status_code=503)(scope, receive, send)
            return
        if found is None:
            await _unauthorized()(scope, receive, send)
            return
        media = GRAPHQL_RESPONSE if GRAPHQL_RESPONSE in request.headers.get("accept", "") else "application/json"
        token_token, media_token = _token.set(found), _media.set(media)
        try:
            await super().__call__(scope, receive, send)
        finally:
            _token.reset(token_token)
            _media.reset(media_token)

    async def get_context(self, request: Any, response: Any = None) -> Context:
        token = _token.get()
        return Context(request=request, db=request.app.state.db, role=token.role, token_name=token.name)

    def create_response(self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
                        sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        media = _media.get()
        response.headers["content-type"] = media
        # GraphQL over HTTP: with the graphql-response media type, a request that never ran
        # (no data at all, e.g. a validation error) is a 400.
        if media == GRAPHQL_RESPONSE and isinstance(response_data, dict) and response_data.get("data") is None \
                and response_data.get("errors") and response.status_code == 200:
            response.status_code = 400
        return response


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
        app.state.tokens = TokenCache(app.state.db)
        try:
            yield
        finally:
            app.state.db.close()

    schema = build_schema(production=settings.production, introspection=settings.introspection)
    graphql_app = CkgGraphQL(schema, graphql_ide=None)
    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
        ],
        lifespan=lifespan,
    )
