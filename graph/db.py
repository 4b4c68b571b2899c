"""Driver lifecycle, managed read/write helpers and batching.

One :class:`Database` (one driver) per process. Reads and writes go through managed
transactions (``execute_read``/``execute_write``) so the driver retries transient failures.
Driver errors are translated into :mod:`graph.errors` with a message fit for a user.

The same code runs on one server (``bolt://``) and on a cluster or Aura (``neo4j://``), where a
read transaction may go to a secondary and a write transaction goes to the leader (see
docs/scaling.md). So :meth:`Database.read` refuses a statement that writes
(:mod:`graph.statement_access`), and every session of the process shares one bookmark manager:
a read that follows a write in this process sees it, whichever member answers.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar, cast

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction, unit_of_work
from neo4j.api import BookmarkManager
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    ConnectionAcquisitionTimeoutError,
    Neo4jError,
    ResultFailedError,
    ServiceUnavailable,
    SessionExpired,
)

from ckg.graph.errors import AuthenticationFailed, DatabaseUnavailable, QueryFailed, WriteInReadTransaction
from ckg.graph.queries import Query
from ckg.graph.settings import Settings
from ckg.graph.statement_access import writes_to_store

Row = dict[str, Any]
T = TypeVar("T")
DEFAULT_BATCH_SIZE = 5000


class _RolledBack(Exception):
    """Carries a rehearsed unit of work's result out of its transaction (:meth:`Database.rehearse_tx`)."""

    def __init__(self, result: Any) -> None:
        super().__init__("rolled back")
        self.result = result


class TxRunner:
    """What a unit of work passed to :meth:`Database.write_tx` can do: run named queries."""

    def __init__(self, tx: ManagedTransaction) -> None:
        self._tx = tx

    def run(self, query: Query, **params: Any) -> list[Row]:
        return [r.data() for r in self._tx.run(query.text, params)]

    def run_plain(self, query: Query, **params: Any) -> list[Row]:
        """:meth:`run` for a statement that returns no node, relationship or path, only lists, maps,
        numbers, strings and temporals: its rows as the driver decoded them. ``Record.data()`` walks
        every value to turn graph entities into maps; over a chunk's 35,000 tags that walk was half
        of the refresh process's time at 1M customers (py-spy), for values it leaves as they are."""
        result = self._tx.run(query.text, params)
        keys = result.keys()
        return [dict(zip(keys, r.values(), strict=True)) for r in result]

    def run_counted(self, query: Query, **params: Any) -> tuple[list[Row], dict[str, int]]:
        """Run a query; its rows and its summary counters (what it created, deleted and set)."""
        result = self._tx.run(query.text, params)
        rows = [r.data() for r in result]
        c = result.consume().counters
        return rows, {"nodes_created": c.nodes_created, "nodes_deleted": c.nodes_deleted,
                      "relationships_created": c.relationships_created,
                      "relationships_deleted": c.relationships_deleted, "properties_set": c.properties_set}


@dataclass(frozen=True)
class ServerInfo:
    """What ``ckg db status`` reports."""

    address: str
    neo4j_version: str
    edition: str
    gds_version: str | None
    apoc_version: str | None


def batched(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    """Split ``rows`` into lists of at most ``size`` rows, lazily."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


#: How long the CLI and batch jobs retry a transaction on a transient failure.
RETRY_SECONDS = 15.0
#: How long an API request waits for one of its worker's bounded connections to Neo4j before it
#: gets 503 (Settings.api_db_connections): a server busy for longer sheds work instead of queueing
#: it. Long enough to ride out a server that is slow for a while (cold after a restart: 2 s shed
#: requests there that 8 s answered; bench/RESULTS.md, "API soak: the cold minute after a restart").
QUEUE_SECONDS = 8.0
#: How long a background job (a :meth:`Database.retrying` view) waits for a connection.
JOB_QUEUE_SECONDS = 60.0


class Database:
    """The process's one Neo4j driver plus the helpers every module uses."""

    def __init__(self, settings: Settings, *, retry_seconds: float = RETRY_SECONDS,
                 tx_timeout: float | None = None, connections: int | None = None) -> None:
        """``retry_seconds``: how long a managed transaction is retried on a transient failure (a
        leader switch, a restart); the API passes a short one so a request fails fast with 503, and
        gives its background jobs a :meth:`retrying` view with the long one. ``tx_timeout``: the
        server stops a transaction of ``read``/``write``/``write_tx`` running longer (the API's
        requests; None, the CLI's: no limit). ``connections``: the most the driver opens (the API's
        bound on its transactions on the server, waited for :data:`QUEUE_SECONDS` at most); None: the
        driver's default."""
        self.settings = settings
        self.retry_seconds = retry_seconds
        self.tx_timeout = tx_timeout
        bounded: dict[str, Any] = {} if connections is None else {"max_connection_pool_size": connections}
        #: How long a session waits for a connection: briefly for the API's requests (a bounded
        #: pool), long for the CLI and the API's background jobs (:meth:`retrying`).
        self.acquisition_timeout = QUEUE_SECONDS if connections is not None else settings.connection_timeout * 2
        self._driver: Driver = GraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.password),
            connection_timeout=settings.connection_timeout,
            connection_acquisition_timeout=settings.connection_timeout * 2,
            notifications_min_severity="OFF",
            **bounded,
        )
        # Causal consistency across this process's sessions (a no-op cost on one server).
        self._bookmarks = GraphDatabase.bookmark_manager()
        self._lock = threading.Lock()
        #: Number of transactions sent; tests use it to count round trips.
        self.round_trips = 0

    @property
    def driver(self) -> Driver:
        return self._driver

    @property
    def bookmarks(self) -> BookmarkManager:
        """This process's bookmarks (causal consistency across its sessions; the API's async driver shares them)."""
        return self._bookmarks

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _count(self) -> None:
        with self._lock:
            self.round_trips += 1

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Translate driver errors into ckg errors with one clear sentence."""
        uri = self.settings.neo4j_uri
        try:
            yield
        except AuthError as exc:
            raise AuthenticationFailed(
                f"Neo4j at {uri} refused user {self.settings.neo4j_user!r}: wrong password? "
                "Set CKG_NEO4J_PASSWORD to the server's password."
            ) from exc
        except ConnectionAcquisitionTimeoutError as exc:
            raise DatabaseUnavailable(
                f"Neo4j at {uri} is busy: every connection of this process stayed in use ({exc}); retry shortly."
            ) from exc
        except (ServiceUnavailable, SessionExpired, ConnectionError, OSError) as exc:
            raise DatabaseUnavailable(
                f"Neo4j is not reachable at {uri} ({type(exc).__name__}). "
                "Is it running? Start the local one with `ckg db start`."
            ) from exc
        except ConfigurationError as exc:
            raise DatabaseUnavailable(f"cannot connect to {uri}: {exc}") from exc
        except Neo4jError as exc:
            raise _refused(exc, uri) from exc
        except ResultFailedError as exc:  # a result read after the server refused its statement
            cause = exc.__cause__
            raise (_refused(cause, uri) if isinstance(cause, Neo4jError)
                   else QueryFailed(f"a query's result failed: {exc}")) from exc

    def ping(self) -> None:
        """Raise :class:`DatabaseUnavailable` or :class:`AuthenticationFailed` unless Neo4j answers."""
        with self.errors():
            self._driver.verify_connectivity()

    def read(self, query: Query, **params: Any) -> list[Row]:
        """Run one read query in a managed read transaction and return its rows as dicts.

        Raises :class:`WriteInReadTransaction` (before sending anything) when ``query`` writes.
        """
        return self._read(query, params, TxRunner.run)

    def read_plain(self, query: Query, **params: Any) -> list[Row]:
        """:meth:`read` for a statement that returns no node, relationship or path: its rows as the
        driver decoded them, without ``Record.data()``'s walk of every value (see
        :meth:`TxRunner.run_plain`); for the large lists the algorithms read back."""
        return self._read(query, params, TxRunner.run_plain)

    def _read(self, query: Query, params: dict[str, Any], run: Callable[..., list[Row]]) -> list[Row]:
        if writes_to_store(query):
            raise WriteInReadTransaction(
                f"cypher/{query.name}.cypher writes to the graph; run it through Database.write "
                "(a read transaction goes to a read-only member on a cluster)")

        def work(tx: ManagedTransaction) -> list[Row]:
            return run(TxRunner(tx), query, **params)

        self._count()
        with self.errors(), self._session() as session:
            return session.execute_read(self._timed(work))

    def write(self, query: Query, **params: Any) -> list[Row]:
        """Run one write query in a managed transaction and return its rows as dicts."""

        def work(tx: ManagedTransaction) -> list[Row]:
            return [r.data() for r in tx.run(query.text, params)]

        self._count()
        with self.errors(), self._session() as session:
            return session.execute_write(self._timed(work))

    def write_tx(self, work: Callable[[TxRunner], T]) -> T:
        """Run ``work`` (several queries) in one managed write transaction; it may be retried."""
        self._count()
        with self.errors(), self._session() as session:
            return session.execute_write(self._timed(lambda tx: work(TxRunner(tx))))

    def rehearse_tx(self, work: Callable[[TxRunner], T]) -> T:
        """Run ``work`` as :meth:`write_tx` does, then roll the transaction back: every statement is
        sent (and planned by the server), nothing it wrote stays. Returns what ``work`` returned."""

        def rolled_back(tx: TxRunner) -> T:
            raise _RolledBack(work(tx))  # an exception of its own: the driver rolls back, no retry

        try:
            self.write_tx(rolled_back)
        except _RolledBack as done:
            return cast(T, done.result)
        raise AssertionError("a rehearsed transaction committed")  # pragma: no cover

    def write_batches(
        self,
        query: Query,
        rows: Iterable[Row],
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_batch: Callable[[Sequence[Row]], None] | None = None,
        **params: Any,
    ) -> int:
        """Write ``rows`` through ``query`` (which must ``UNWIND $rows``), one transaction per batch.

        Each batch is its own managed transaction, so a failure loses at most the batch in
        flight, and re-running is safe because load queries ``MERGE`` on ids.
        """
        total = 0
        for chunk in batched(rows, batch_size):
            self.write(query, rows=chunk, **params)
            total += len(chunk)
            if on_batch is not None:
                on_batch(chunk)
        return total

    def run_autocommit(self, query: Query, **params: Any) -> list[Row]:
        """Run a query that manages its own transactions (``CALL {...} IN TRANSACTIONS``)."""
        self._count()
        with self.errors(), self._session() as session:
            return [r.data() for r in session.run(query.text, params)]

    def server_info(self) -> ServerInfo:
        """Versions of Neo4j and, where installed, GDS and APOC."""
        from ckg.graph.queries import queries

        with self.errors():
            info = self._driver.get_server_info()
        comp = self.read(queries.admin.show_components)[0]
        procs = {r["name"] for r in self.read(queries.admin.list_version_functions, names=None)}
        gds = self.read(queries.admin.gds_version)[0]["v"] if "gds.version" in procs else None
        apoc = self.read(queries.admin.apoc_version)[0]["v"] if "apoc.version" in procs else None
        return ServerInfo(
            address=str(info.address),
            neo4j_version=comp["version"],
            edition=comp["edition"],
            gds_version=gds,
            apoc_version=apoc,
        )

    def has_gds(self) -> bool:
        from ckg.graph.queries import queries

        return bool(self.read(queries.admin.list_version_functions, names=["gds.version"]))

    def retrying(self, seconds: float, tx_timeout: float | None = None) -> Database:
        """The same driver and bookmarks, with transactions retried for ``seconds`` and stopped after
        ``tx_timeout`` (None: never; close the original only)."""
        view = copy.copy(self)
        view.retry_seconds = seconds
        view.tx_timeout = tx_timeout
        view.acquisition_timeout = JOB_QUEUE_SECONDS  # a job waits its turn for a connection
        return view

    def _timed(self, work: Callable[[ManagedTransaction], T]) -> Callable[[ManagedTransaction], T]:
        return work if self.tx_timeout is None else unit_of_work(timeout=self.tx_timeout)(work)

    def _session(self) -> neo4j.Session:
        return self._driver.session(database=self.settings.neo4j_database, bookmark_manager=self._bookmarks,
                                    max_transaction_retry_time=self.retry_seconds,
                                    connection_acquisition_timeout=self.acquisition_timeout)


def open_database(settings: Settings) -> Database:
    """A :class:`Database` that has answered once, so callers fail fast with a clear error."""
    db = Database(settings)
    try:
        db.ping()
    except Exception:
        db.close()
        raise
    return db


def _refused(exc: Neo4jError, uri: str) -> DatabaseUnavailable | QueryFailed:
    """The ckg error for a statement the server refused, after the driver's retries."""
    if _unavailable(exc):  # still, after the retries: the server is starting or stopping
        return DatabaseUnavailable(f"Neo4j at {uri} is not serving the database yet ({exc.code}); retry shortly.")
    if _stopped_by_time_limit(exc):  # past tx_timeout: the server is slow or overloaded
        return DatabaseUnavailable(f"Neo4j at {uri} stopped a transaction that ran past its time limit "
                                   f"({exc.code}); retry shortly.")
    return QueryFailed(f"Neo4j refused a query ({exc.code}): {exc.message}")


def _unavailable(error: Neo4jError) -> bool:
    """True for the transient "database not available" answers of a server that is starting or
    stopping (the driver retries them; once the retry time is spent they mean unavailable, not a
    refused query)."""
    code = error.code or ""
    return code.startswith("Neo.TransientError.") and code.endswith(".DatabaseUnavailable")


#: What the server answers when it stops a transaction at its time limit: the limit itself, and a
#: transaction stopped while it waited for a lock (which says so as "LockClientStopped").
_TIME_LIMIT_CODES = ("Neo.ClientError.Transaction.TransactionTimedOut", "Neo.ClientError.Transaction.LockClientStopped")


def _stopped_by_time_limit(error: Neo4jError) -> bool:
    """True when the server stopped the transaction at its time limit (slow or overloaded: a 503)."""
    return (error.code or "").startswith(_TIME_LIMIT_CODES)
