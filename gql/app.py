"""The Starlette application: ``/graphql`` (GraphiQL on GET from a browser) and ``/healthz``.

The lifespan owns the one driver of the process and hands it to handlers through ``app.state``.
The driver reconnects by itself, so the API recovers when Neo4j restarts. Every GraphQL request
needs ``Authorization: Bearer <token>`` (``ckg token create``); the GraphiQL page itself holds no
data and opens without one. A missing, unknown, expired or revoked token gets the same 401. Request
bodies over ``CKG_API_MAX_BODY_BYTES`` get 413 without being read (by Content-Length when sent,
else counted as they stream in).
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from ckg.gql import metrics
from ckg.gql.answer_store import MemoryAnswers, SharedAnswers
from ckg.gql.context import Context
from ckg.gql.group_commit import GroupCommit
from ckg.gql.ide import graphiql_html
from ckg.gql.pages import ROUTES as PAGE_ROUTES
from ckg.gql.response_cache import Plan, ResponseCache, answered, capturing, end_capture, start_capture
from ckg.gql.schema import build_schema
from ckg.graph import events as event_store
from ckg.graph import warmup
from ckg.graph.async_db import RETRY_SECONDS as ASYNC_RETRY_SECONDS
from ckg.graph.async_db import AsyncDatabase
from ckg.graph.audit import ReadAudit
from ckg.graph.auth import ApiToken, Role, TokenCache
from ckg.graph.db import RETRY_SECONDS as DB_RETRY_SECONDS
from ckg.graph.db import Database
from ckg.graph.errors import CkgError, DatabaseUnavailable
from ckg.graph.jobs import JobRunner
from ckg.graph.portrait_cache import PortraitCache
from ckg.graph.portrait_watch import PortraitWatch
from ckg.graph.settings import Settings, get_settings
from ckg.graph.tags.refresh import RefreshResult, refresh

log = logging.getLogger("ckg.api")
GRAPHQL_RESPONSE = "application/graphql-response+json"
_token: contextvars.ContextVar[ApiToken] = contextvars.ContextVar("ckg_token")
_media: contextvars.ContextVar[str] = contextvars.ContextVar("ckg_media", default="application/json")
#: Set when an operation failed because Neo4j is unreachable: the answer is 503 with Retry-After.
_unavailable: contextvars.ContextVar[bool] = contextvars.ContextVar("ckg_unavailable", default=False)
#: Seconds a client is asked to wait (Retry-After) while Neo4j is unreachable.
RETRY_AFTER = "5"
#: Longest transaction of a request on the synchronous driver (pages, mutations): past it Neo4j stops
#: it; a client has usually given up by then (the async driver's bound is its DEADLINE_SECONDS).
REQUEST_TX_SECONDS = 30.0


#: One answer for a missing, unknown, expired or revoked token: it tells nothing about which.
UNAUTHORIZED = "a valid bearer token is required: send Authorization: Bearer <token>"


def _unauthorized() -> JSONResponse:
    return JSONResponse({"errors": [{"message": UNAUTHORIZED}]}, status_code=401,
                        headers={"WWW-Authenticate": 'Bearer realm="ckg"'})


def unavailable(reason: str) -> JSONResponse:
    """503 with Retry-After: Neo4j is unreachable; the driver reconnects by itself when it is back."""
    return JSONResponse({"errors": [{"message": reason}]}, status_code=503, headers={"Retry-After": RETRY_AFTER})


def _bearer(value: str) -> str | None:
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def find_token(app: Any, token: str) -> ApiToken | None:
    """The token's name and role: from the cache, else looked up on the async driver (no thread:
    a request must not queue for the thread pool, which pages and mutations share, to learn who asks)."""
    tokens: TokenCache = app.state.tokens
    known, found = tokens.cached(token)
    if known:
        return found
    return await tokens.lookup_async(token, app.state.adb)


def _too_large(limit: int) -> JSONResponse:
    # Connection: close, since the rest of the body is never read.
    return JSONResponse({"errors": [{"message": f"request body too large: the limit is {limit} bytes"}]},
                        status_code=413, headers={"Connection": "close"})


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The request body, or None as soon as it grows over ``limit`` bytes (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # http.disconnect: the client is gone
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands over the body already read, then defers to the real one."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class CkgGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app plus bearer-token auth and GraphQL-over-HTTP media types."""

    def __init__(self, *args: Any, max_body_bytes: int = 1024 * 1024, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ide = graphiql_html()
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # subscriptions; the token comes with connection_init
            await super().__call__(scope, receive, send)
            return
        if scope["type"] != "http":
            await Response(status_code=404)(scope, receive, send)
            return
        request = Request(scope, receive)
        if request.method == "GET" and "text/html" in request.headers.get("accept", "") \
                and "query" not in request.query_params:
            await HTMLResponse(self._ide)(scope, receive, send)
            return
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await _too_large(self.max_body_bytes)(scope, receive, send)
            return
        token = _bearer(request.headers.get("authorization", ""))
        if token is None:
            await _unauthorized()(scope, receive, send)
            return
        try:
            found = await find_token(request.app, token)
        except CkgError as exc:
            await unavailable(str(exc))(scope, receive, send)
            return
        if found is None:
            await _unauthorized()(scope, receive, send)
            return
        media = GRAPHQL_RESPONSE if GRAPHQL_RESPONSE in request.headers.get("accept", "") else "application/json"
        capture_token = None
        if request.method == "POST":
            body = await _read_body(receive, self.max_body_bytes)
            if body is None:
                await _too_large(self.max_body_bytes)(scope, receive, send)
                return
            receive = _replay(body, receive)
            responses: ResponseCache = request.app.state.responses
            json_body = "application/json" in request.headers.get("content-type", "")  # else Strawberry's 400
            plan = responses.plan(body, found.role.value, media) if json_body else None
            if plan is not None:
                if await self._answer_from_cache(request.app, plan, found, media, scope, receive, send):
                    return
                capture_token = start_capture(plan, responses)
        token_token, media_token, down_token = _token.set(found), _media.set(media), _unavailable.set(False)
        try:
            await super().__call__(scope, receive, send)
        finally:
            _token.reset(token_token)
            _media.reset(media_token)
            _unavailable.reset(down_token)
            if capture_token is not None:
                end_capture(capture_token)

    async def _answer_from_cache(self, app: Any, plan: Plan, token: ApiToken, media: str,
                                 scope: Scope, receive: Receive, send: Send) -> bool:
        """Send the cached answer when it is current (True), else let the request run (False)."""
        started = time.perf_counter()
        try:
            entry = await app.state.responses.lookup(plan)
        except DatabaseUnavailable as exc:  # as a run of the request would: one warning line, a 503
            log.warning("portrait: %s", exc)
            metrics.REQUESTS.labels("query:portrait", "unavailable").inc()
            await unavailable(str(exc))(scope, receive, send)
            return True
        except CkgError:
            return False  # the request runs and reports what went wrong as usual
        except Exception:
            log.exception("the cache of portrait answers failed; the request runs without it")
            return False
        if entry is None:
            return False
        for subject, what in entry.audits:
            app.state.audit.read(f"api:{token.name}", subject, what)
        await Response(entry.body, media_type=media)(scope, receive, send)
        metrics.LATENCY.labels("query:portrait").observe(time.perf_counter() - started)
        metrics.REQUESTS.labels("query:portrait", "ok").inc()
        return True

    def decode_json(self, data: str | bytes) -> object:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            try:  # orjson refuses some documents json accepts (e.g. nesting over 1024 levels)
                return json.loads(data)
            except RecursionError:  # nested deeper than the interpreter's stack: a 400 like any bad JSON
                raise json.JSONDecodeError("nested too deeply", "", 0) from None

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def get_context(self, request: Any, response: Any = None) -> Context:
        if isinstance(request, WebSocket):  # the role is set by on_ws_connect, from the token sent
            return Context(request=request, db=request.app.state.db, role=Role.ANALYST, token_name="")
        token = _token.get()
        return Context(request=request, db=request.app.state.db, role=token.role, token_name=token.name)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A subscription needs a token, like any request: ``{"Authorization": "Bearer <token>"}`` in the
        ``connection_init`` payload, or the handshake's Authorization header."""
        params = context.connection_params or {}
        sent = params.get("Authorization") or params.get("authorization") \
            or context.request.headers.get("authorization", "")
        token = _bearer(str(sent))
        try:
            found = await find_token(context.request.app, token) if token else None
        except CkgError:
            found = None
        if found is None:
            raise ConnectionRejectionError({"message": UNAUTHORIZED})
        context.role, context.token_name, context.extras["authenticated"] = found.role, found.name, True
        context.fresh_loaders()
        return await super().on_ws_connect(context)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        if result.errors and any(isinstance(e.original_error, DatabaseUnavailable) for e in result.errors):
            _unavailable.set(True)
        return process_result(result)

    def create_response(self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
                        sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        capture = capturing()
        if capture is not None and response.status_code == 200 and not _unavailable.get() \
                and answered(response_data):
            capture.keep(bytes(response.body))
        if _unavailable.get():
            response.status_code = 503
            response.headers["Retry-After"] = RETRY_AFTER
            return response
        media = _media.get()
        response.headers["content-type"] = media
        # GraphQL over HTTP: with the graphql-response media type, a request that never ran
        # (no data at all, e.g. a validation error) is a 400.
        if media == GRAPHQL_RESPONSE and isinstance(response_data, dict) and response_data.get("data") is None \
                and response_data.get("errors") and response.status_code == 200:
            response.status_code = 400
        return response


async def healthz(request: Request) -> Response:
    db: AsyncDatabase = request.app.state.adb
    try:
        await db.ping()
    except CkgError as exc:
        return JSONResponse({"status": "down", "neo4j": "down", "reason": str(exc)}, status_code=503,
                            headers={"Retry-After": RETRY_AFTER})
    return JSONResponse({"status": "up", "neo4j": "up"})


class Measured:
    """ASGI middleware: every HTTP response counted by path and status in /metrics."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"] if scope["path"] in ("/graphql", "/healthz", "/metrics") else "other"

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                metrics.RESPONSES.labels(path, str(message["status"])).inc()
            await send(message)

        await self.app(scope, receive, counted)


class Shed:
    """ASGI middleware: at most ``limit`` HTTP requests at once in this worker; the next ones get 503
    with Retry-After at once, so a slow or unreachable Neo4j cannot pile up a backlog that outlives
    it. /healthz and /metrics are never shed; WebSockets (subscriptions) are not counted."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in ("/healthz", "/metrics"):
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            await unavailable(f"this API worker is busy ({self.limit} requests in flight); retry shortly")(
                scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


#: The most events one group commit of recordEvents writes, and customers one grouped refresh covers
#: (one request alone may pass them; the requests after wait for the next group).
GROUP_EVENTS = 1000
GROUP_CUSTOMERS = 500


def record_and_refresh(db: Database, batches: list[list[event_store.Event]]) -> list[event_store.Recorded]:
    """Store the checked events of several recordEvents in one transaction, then refresh every
    customer with an event stored, in one incremental refresh; each request's own result."""
    done = event_store.record_checked(db, batches)
    stored = sorted({c for d in done for c in d.customers})
    if stored:
        refresh(db, customers=stored)
    return done


def _unreachable(exc: Exception) -> bool:
    """Neo4j down or busy: the whole group's failure, not one request's (no use running each again)."""
    return isinstance(exc, DatabaseUnavailable)


def refresh_together(db: Database, asks: list[list[str]]) -> list[RefreshResult]:
    """One incremental refresh for the customers of several requests; each gets its result."""
    result = refresh(db, customers=sorted({c for ask in asks for c in ask}))
    return [result] * len(asks)


#: How long after an outage the re-warm starts: first the requests plan the statements they use
#: (planning them twice at once costs a cold server on few cores what it does not have), then the
#: re-warm plans the rest (docs/operations.md).
REWARM_DELAY_SECONDS = 30.0
#: The longest the API waits for its warm-up before it serves anyway.
WARM_UP_SECONDS = 60.0


async def warm_up(state: Any, *, again: bool = False) -> None:
    """Have Neo4j plan the API's statements (graph.warmup): the reads on the async driver, then a
    rehearsed recordEvents in a thread; ``again``: after an outage (its times are logged as warnings).
    Never fails: with Neo4j down or empty the API starts all the same."""
    if again:  # let the requests plan the statements they use first; then the rest
        await asyncio.sleep(REWARM_DELAY_SECONDS)
    started = time.perf_counter()
    level = logging.WARNING if again else logging.INFO
    try:
        async with asyncio.timeout(WARM_UP_SECONDS):
            # connections waited for as a background job does: requests in flight may hold them all
            db = state.db.retrying(ASYNC_RETRY_SECONDS, REQUEST_TX_SECONDS)
            on = await run_in_threadpool(warmup.subjects, db)
            if on is None:
                return
            await warmup.rehearse_reads(state.adb.patient(), on)
            log.log(level, "warm-up of Neo4j's plans, reads: %s", warmup.took_since(started))
            await run_in_threadpool(warmup.rehearse_writes, db, on)
    except (CkgError, TimeoutError) as exc:
        log.warning("warm-up of Neo4j's plans stopped after %s: %s", warmup.took_since(started), exc)
        return
    except Exception:  # a warm-up is an optimisation: whatever went wrong, the API serves
        log.exception("warm-up of Neo4j's plans failed after %s", warmup.took_since(started))
        return
    log.log(level, "warm-up of Neo4j's plans: %s", warmup.took_since(started))


def rewarm(state: Any) -> None:
    """Neo4j answers again after an outage (a restarted server has no plans): warm up in the
    background, one warm-up at a time, while requests are served."""
    if state.warming is None or state.warming.done():
        state.warming = asyncio.get_running_loop().create_task(warm_up(state, again=True), name="ckg-warm-up")


def create_unbatched_app() -> Starlette:
    """The API with DataLoaders that load one key per query: the naive N+1 baseline of ``bench api``."""
    return create_app(batch_loads=False)


def create_app(settings: Settings | None = None, *, batch_loads: bool = True) -> Starlette:
    """Assemble the API for ``settings`` (read from the environment when omitted)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.batch_loads = batch_loads
        # Mutations, pages and jobs: the synchronous driver, in threads, retrying as briefly as the
        # async one, so an outage turns into 503s rather than threads held for the CLI's 15 s, and
        # with a transaction timeout, so Neo4j stops what a client stopped waiting for (jobs: none).
        app.state.db = Database(settings, retry_seconds=ASYNC_RETRY_SECONDS, tx_timeout=REQUEST_TX_SECONDS,
                                connections=settings.api_db_connections)
        # Portraits and subscriptions: the async driver on the event loop.
        app.state.adb = AsyncDatabase(settings, on_start=metrics.round_trip_started,
                                      on_finish=metrics.round_trip_finished, bookmarks=app.state.db.bookmarks)
        metrics.POOL_SIZE.set(app.state.adb.pool_size)
        app.state.portraits = PortraitCache(on_result=metrics.cache_result)
        answers = SharedAnswers(settings.api_shared_answers, settings.api_answer_cache_mb << 20) \
            if settings.api_shared_answers is not None else MemoryAnswers(settings.api_answer_cache_mb << 20)
        app.state.responses = ResponseCache(app.state.adb, schema._schema, store=answers,
                                            on_result=metrics.response_cache_result)
        app.state.watch = PortraitWatch(app.state.adb, app.state.portraits)
        app.state.tokens = TokenCache(app.state.db)
        # Writes that refresh portraits, one group at a time per worker, each for every request waiting
        # (gql.group_commit): recordEvents, and the refreshes of refreshTags(customerIds) and recordConsent
        app.state.recorder = GroupCommit(lambda batches: run_in_threadpool(record_and_refresh, app.state.db, batches),
                                         size=len, max_size=GROUP_EVENTS, on_group=metrics.event_group,
                                         shared=_unreachable)
        app.state.refreshes = GroupCommit(lambda asks: run_in_threadpool(refresh_together, app.state.db, asks),
                                          size=len, max_size=GROUP_CUSTOMERS, on_group=metrics.refresh_group,
                                          shared=_unreachable)
        app.state.jobs = JobRunner(app.state.db.retrying(DB_RETRY_SECONDS))  # long mutations, off the request
        # the audit writer may flush a backlog of up to 100,000 entries after an outage, 500 a
        # transaction: no time limit
        app.state.audit = ReadAudit(app.state.db.retrying(ASYNC_RETRY_SECONDS))
        app.state.warming = None
        await warm_up(app.state)  # before the first request: a server just started plans each statement once
        app.state.adb.on_recovered = lambda: rewarm(app.state)
        try:
            yield
        finally:
            if app.state.warming is not None:
                app.state.warming.cancel()
            await app.state.recorder.close()
            await app.state.refreshes.close()
            await app.state.watch.close()
            app.state.jobs.close()
            app.state.audit.close()
            await app.state.adb.close()
            app.state.db.close()
            if isinstance(answers, SharedAnswers):
                answers.close()

    schema = build_schema(production=settings.production, introspection=settings.introspection)
    graphql_app = CkgGraphQL(schema, graphql_ide=None, max_body_bytes=settings.api_max_body_bytes)
    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics.metrics, methods=["GET"]),
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_app),  # subscriptions (graphql-transport-ws)
            *PAGE_ROUTES,  # the portrait, reports and guide pages and their static files
        ],
        lifespan=lifespan,
    )
    app.add_middleware(Shed, limit=settings.api_max_in_flight)
    app.add_middleware(Measured)  # outermost: shed requests are counted too
    return app
