"""How the API holds up when Neo4j is slow or gone: requests over the in-flight bound are shed with
503 at once, and the API's synchronous driver gives up after a short retry (pure: no server)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from ckg.gql.app import Shed
from ckg.graph.db import QUEUE_SECONDS, RETRY_SECONDS, Database
from ckg.graph.errors import DatabaseUnavailable
from ckg.graph.queries import queries
from ckg.graph.settings import Settings


def _scope(path: str, kind: str = "http") -> dict[str, Any]:
    return {"type": kind, "path": path, "method": "POST", "headers": []}


def test_requests_over_the_bound_get_503_with_retry_after_and_the_bound_frees_up() -> None:
    release = asyncio.Event()
    served: list[str] = []

    async def slow_app(scope: Any, receive: Any, send: Any) -> None:
        served.append(scope["path"])
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def call(app: Shed, path: str, kind: str = "http") -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app(_scope(path, kind), receive, send)
        return sent

    async def scenario() -> None:
        app = Shed(slow_app, limit=2)
        held = [asyncio.create_task(call(app, "/graphql")) for _ in range(2)]
        await asyncio.sleep(0.01)
        assert app.in_flight == 2
        shed = await call(app, "/graphql")  # answered at once, without reaching the app
        assert shed[0]["status"] == 503
        assert (b"retry-after", b"5") in shed[0]["headers"]
        assert served == ["/graphql", "/graphql"]
        health = asyncio.create_task(call(app, "/healthz"))  # never shed
        await asyncio.sleep(0.01)
        assert served[-1] == "/healthz"
        release.set()
        for task in (*held, health):
            assert (await task)[0]["status"] == 200
        assert app.in_flight == 0
        assert (await call(app, "/graphql"))[0]["status"] == 200  # the bound is free again

    asyncio.run(scenario())


def test_a_short_retry_view_fails_fast_while_the_original_keeps_its_own() -> None:
    # Nothing listens on port 1: every attempt fails at once and is retried until the retry time ends.
    db = Database(Settings(neo4j_uri="bolt://127.0.0.1:1", connection_timeout=0.2), retry_seconds=0.3)
    try:
        jobs = db.retrying(RETRY_SECONDS)
        assert (db.retry_seconds, jobs.retry_seconds) == (0.3, RETRY_SECONDS)
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable):
            db.read(queries.admin.list_version_functions, names=["gds.version"])
        # Far under the 15 s the CLI retries for (a generous bound: this is about retrying, not speed).
        assert time.monotonic() - started < 8
    finally:
        db.close()


def test_an_api_read_is_tried_again_for_its_retry_time_then_reported_unavailable() -> None:
    """The API's reads are auto-commit transactions (one round trip) that ckg retries itself, as the
    driver retries a managed one: an unreachable server is tried again for RETRY_SECONDS, not once."""
    from ckg.graph import async_db

    db = async_db.AsyncDatabase(Settings(neo4j_uri="bolt://127.0.0.1:1", connection_timeout=0.2))

    async def read() -> float:
        started = time.monotonic()
        try:
            with pytest.raises(DatabaseUnavailable):
                await db.read(queries.api.get_portrait_heads, ids=["c1"])
            return time.monotonic() - started
        finally:
            await db.close()

    took = asyncio.run(read())
    # the pauses (0.05 s doubling, +-20% jitter) stop before one would pass RETRY_SECONDS: at least
    # 1.24 s of them for 2 s; one attempt alone takes milliseconds
    assert async_db.RETRY_SECONDS * 0.6 <= took < async_db.DEADLINE_SECONDS


def test_a_full_read_audit_buffer_is_written_by_its_thread_never_by_the_request(tmp_path: Any) -> None:
    """A request that fills the buffer must not write (nor retry against a Neo4j that is down) on the
    API's event loop: it only wakes the audit thread."""
    import threading

    from ckg.graph import audit

    db = Database(Settings(neo4j_uri="bolt://127.0.0.1:1", connection_timeout=0.2, home=tmp_path), retry_seconds=0.1)
    trail = audit.ReadAudit(db)
    flushed_by: list[str] = []
    woken = threading.Event()

    def flush() -> None:
        flushed_by.append(threading.current_thread().name)
        woken.set()

    trail.flush = flush  # type: ignore[method-assign]
    try:
        for i in range(audit.FLUSH_ROWS):
            trail.read("marketer-token", f"c{i:07d}", "email")
        assert threading.current_thread().name not in flushed_by
        assert woken.wait(audit.FLUSH_SECONDS / 2)  # woken by the full buffer, before its timer
        assert flushed_by and set(flushed_by) == {"ckg-read-audit"}
    finally:
        trail._stop.set()
        trail._wake.set()
        trail._thread.join()
        db.close()


def test_a_read_audit_backlog_is_written_in_transactions_of_500_and_what_fails_is_kept_in_order(
        tmp_path: Any) -> None:
    from ckg.graph import audit
    from ckg.graph.errors import DatabaseUnavailable

    class Recording:  # stands for the Database: this is about how the buffer is cut, not about Neo4j
        settings = Settings(home=tmp_path)
        fail_at: int | None = None

        def __init__(self) -> None:
            self.writes: list[list[dict[str, Any]]] = []

        def write(self, query: Any, rows: list[dict[str, Any]]) -> list[Any]:
            if len(self.writes) == self.fail_at:
                raise DatabaseUnavailable("Neo4j went away")
            self.writes.append(rows)
            return []

    db = Recording()
    trail = audit.ReadAudit(db)  # type: ignore[arg-type]
    trail._stop.set()  # no background flush: this test flushes by hand
    trail._wake.set()
    trail._thread.join()
    for i in range(1200):
        trail.read("t", f"c{i}", "email")
    assert trail.flush() and [len(w) for w in db.writes] == [500, 500, 200]
    for i in range(1200):
        trail.read("t", f"c{i}", "email")
    db.writes, db.fail_at = [], 1  # the second transaction fails
    expected = list(trail._rows)
    assert not trail.flush()
    assert db.writes == [expected[:500]] and trail._rows == expected[500:]  # the rest, in order, for next time


def test_the_api_wires_short_retries_for_requests_and_the_cli_s_for_its_jobs(tmp_path: Any) -> None:
    """Requests fail fast (2 s of retries), the background jobs (a full refresh, a segment) retry as
    long as the CLI: their work runs on the runner's database (``JobProgress.db``)."""
    from ckg.gql.app import REQUEST_TX_SECONDS, create_app
    from ckg.graph.async_db import DEADLINE_SECONDS
    from ckg.graph.async_db import RETRY_SECONDS as API_RETRY_SECONDS

    app = create_app(Settings(neo4j_uri="bolt://127.0.0.1:1", connection_timeout=0.2, home=tmp_path,
                              api_db_connections=5))

    async def wiring() -> None:
        async with app.router.lifespan_context(app):
            state = app.state
            assert state.db.retry_seconds == API_RETRY_SECONDS < RETRY_SECONDS
            assert state.db.tx_timeout == REQUEST_TX_SECONDS  # Neo4j stops what a client stopped waiting for
            assert state.jobs.db.retry_seconds == RETRY_SECONDS
            assert state.jobs.db.tx_timeout is None  # a full refresh takes minutes
            assert state.audit.db.tx_timeout is None  # a backlog after an outage: many writes of 500
            assert state.audit.db.retry_seconds == API_RETRY_SECONDS
            assert state.jobs.db.driver is state.db.driver  # one driver per process
            # at most 5 transactions of this worker on the server per driver; a request waits 8 s
            # for one, a job as long as it takes
            assert state.db.driver._pool.pool_config.max_connection_pool_size == 5
            assert state.adb._driver._pool.pool_config.max_connection_pool_size == state.adb.pool_size == 5
            assert state.db.acquisition_timeout == QUEUE_SECONDS < state.jobs.db.acquisition_timeout
            # the warm-up after an outage waits for a connection until its deadline, on the same driver
            patient = state.adb.patient()
            assert state.adb.queue_seconds == QUEUE_SECONDS < patient.queue_seconds == DEADLINE_SECONDS
            assert patient._driver is state.adb._driver
            state.jobs.db = state.jobs.db.retrying(0.1)  # no server here: shut down without 15 s of retries

    asyncio.run(wiring())


def test_a_full_connection_pool_is_an_outage_not_an_unexpected_error() -> None:
    """When every connection of the worker's bounded pool stays in use (a slow or restarting Neo4j),
    waiting for one times out, and that must read as busy (503), never as a masked 500."""
    from neo4j.exceptions import ConnectionAcquisitionTimeoutError

    db = Database(Settings(neo4j_uri="bolt://127.0.0.1:1"))
    try:
        with pytest.raises(DatabaseUnavailable, match="is busy"), db.errors():
            raise ConnectionAcquisitionTimeoutError("failed to obtain a connection from the pool within 10.0s")
    finally:
        db.close()


@pytest.mark.parametrize("code", ["Neo.TransientError.General.DatabaseUnavailable",
                                  "Neo.TransientError.Database.DatabaseUnavailable"])
def test_a_database_still_starting_after_the_retries_is_an_outage(code: str) -> None:
    """A server that is starting or stopping answers "database not available"; once the retries are
    spent the request gets 503 with Retry-After (as for a refused connection), not an error in a 200."""
    from neo4j.exceptions import Neo4jError

    from ckg.graph.errors import QueryFailed

    db = Database(Settings(neo4j_uri="bolt://127.0.0.1:1"))
    try:
        with pytest.raises(DatabaseUnavailable, match="not serving the database yet"), db.errors():
            raise Neo4jError._hydrate_neo4j(code=code, message="The database is not currently available")
        with pytest.raises(QueryFailed), db.errors():  # a query the server refuses stays a refused query
            raise Neo4jError._hydrate_neo4j(code="Neo.ClientError.Statement.SyntaxError", message="bad")
    finally:
        db.close()


@pytest.mark.parametrize("code", ["Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
                                  "Neo.ClientError.Transaction.TransactionTimedOut",
                                  "Neo.ClientError.Transaction.LockClientStopped"])
def test_a_transaction_stopped_at_its_time_limit_is_an_outage(code: str) -> None:
    """The server stops a transaction past its time limit; one stopped while it waited for a lock
    says "LockClientStopped" (seen in the soak after a restart). Both are a slow server: 503."""
    from neo4j.exceptions import Neo4jError

    db = Database(Settings(neo4j_uri="bolt://127.0.0.1:1"))
    try:
        with pytest.raises(DatabaseUnavailable, match="time limit"), db.errors():
            raise Neo4jError._hydrate_neo4j(code=code, message="The transaction has been terminated.")
    finally:
        db.close()


def test_a_result_failed_after_a_refused_statement_is_that_refusal_not_a_traceback() -> None:
    """Seen at a million customers: a statement past the server's transaction memory limit, retried
    by the driver, surfaced as the driver's ResultFailedError (its cause the server's error), which
    no handler took, so `ckg tags refresh` ended in a traceback. It reads as the refusal it is."""
    from neo4j.exceptions import Neo4jError, ResultFailedError

    from ckg.graph.errors import QueryFailed

    db = Database(Settings(neo4j_uri="bolt://127.0.0.1:1"))
    refused = Neo4jError._hydrate_neo4j(code="Neo.TransientError.General.MemoryPoolOutOfMemoryError",
                                        message="The allocation of an extra 2.0 MiB would use more than the limit")
    try:
        with pytest.raises(QueryFailed, match="MemoryPoolOutOfMemoryError.*extra 2.0 MiB"), db.errors():
            raise ResultFailedError(None, "The result has failed.") from refused
        with pytest.raises(QueryFailed, match="result failed"), db.errors():  # no server error behind it
            raise ResultFailedError(None, "The result has failed.")
    finally:
        db.close()
