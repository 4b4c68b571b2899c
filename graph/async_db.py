"""The API's Neo4j driver: the official async driver, one per process, managed async transactions.

The API's hot paths (portraits, subscriptions' version polls) await Neo4j on the event loop, with
no thread-pool hop. The CLI and batch work keep the synchronous :class:`ckg.graph.db.Database`.
Errors are translated exactly as there (:mod:`ckg.graph.errors`). The API answers quickly when
Neo4j is gone: transient failures are retried for ``RETRY_SECONDS`` only, then the request gets 503.

A read is one statement in an auto-commit transaction of a read session: one network exchange
(RUN+PULL), where a managed transaction takes two (BEGIN+RUN+PULL, then COMMIT); about 0.5 ms of a
2 ms portrait read on loopback. It is retried here as the driver retries a managed transaction: on
the errors the driver calls retryable, with a growing pause, for ``RETRY_SECONDS`` (a single read
statement can always be run again). A write is one managed transaction through
``driver.execute_query``, retried by the driver. Rows come back as plain dicts without the driver's
recursive ``Record.data()`` conversion: the API's statements return maps, lists and values only,
never nodes or relationships (checked in the tests).
"""

from __future__ import annotations

import asyncio
import copy
import random
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any, cast

from neo4j import READ_ACCESS, AsyncGraphDatabase, AsyncResult, RoutingControl
from neo4j import Query as DriverQuery
from neo4j.api import AsyncBookmarkManager, BookmarkManager
from neo4j.exceptions import ConnectionAcquisitionTimeoutError, DriverError, Neo4jError

from ckg.graph.db import QUEUE_SECONDS, Database, Row
from ckg.graph.errors import DatabaseUnavailable, WriteInReadTransaction
from ckg.graph.queries import Query
from ckg.graph.settings import Settings
from ckg.graph.statement_access import writes_to_store

#: How long a managed transaction is retried on a transient failure before the error is raised.
RETRY_SECONDS = 2.0
#: The first pause before a read is tried again (it doubles each time), as the driver's own retries.
FIRST_PAUSE_SECONDS = 0.05
#: The most one call may take, connection and retries included; past it the call fails as
#: unavailable (503), so a Neo4j that hangs (starting, overloaded) cannot hold requests open. The
#: same bound goes with each transaction as its timeout on the server. A call given up here closes
#: its connection, which stops its transaction on the server already (tested); the timeout also
#: stops it when the server does not see the connection go (a half-open connection).
DEADLINE_SECONDS = 10.0


def _nothing() -> None:
    pass


class SharedBookmarks(AsyncBookmarkManager):
    """The synchronous Database's bookmark manager, seen by the async driver: a portrait read after
    a mutation of the same worker (which ran on the synchronous driver) waits for that write, also
    on a cluster member that is behind (docs/scaling.md). The manager is thread-safe and its calls
    do not block, so they run on the event loop."""

    def __init__(self, shared: BookmarkManager) -> None:
        self._shared = shared

    async def update_bookmarks(self, previous_bookmarks: Collection[str], new_bookmarks: Collection[str]) -> None:
        self._shared.update_bookmarks(previous_bookmarks, new_bookmarks)

    async def get_bookmarks(self) -> Collection[str]:
        return self._shared.get_bookmarks()


class AsyncDatabase:
    """The process's async driver: ``await db.read(query, **params)`` runs one read (auto-commit, retried)."""

    @contextmanager
    def errors(self) -> Iterator[None]:
        """The same translation of driver errors into ckg errors as the synchronous Database (it
        reads only ``settings``)."""
        with Database.errors(cast(Database, self)):
            yield

    def __init__(self, settings: Settings, *, on_start: Callable[[], None] | None = None,
                 on_finish: Callable[[], None] | None = None, bookmarks: BookmarkManager | None = None) -> None:
        """``on_start``/``on_finish``: told when a transaction begins and ends (the API's metrics);
        ``bookmarks``: the synchronous Database's manager, to share causal consistency with it."""
        self.settings = settings
        self.bookmarks: AsyncBookmarkManager = (SharedBookmarks(bookmarks) if bookmarks is not None
                                                else AsyncGraphDatabase.bookmark_manager())
        self._on_start = on_start or _nothing
        self._on_finish = on_finish or _nothing
        self._driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.password),
            connection_timeout=settings.connection_timeout,
            connection_acquisition_timeout=QUEUE_SECONDS,
            max_transaction_retry_time=RETRY_SECONDS,
            max_connection_pool_size=settings.api_db_connections,
            notifications_min_severity="OFF",
        )
        #: Transactions sent (tests count round trips with it); sessions open right now.
        self.round_trips = 0
        self.in_use = 0
        #: Connections the pool may open (Settings.api_db_connections); ``in_use`` is reported
        #: against it in /metrics.
        self.pool_size = settings.api_db_connections
        #: Whether a call found Neo4j unreachable (not merely busy) since the last that succeeded;
        #: ``on_recovered`` is called (on the event loop: it must not block) by the next that succeeds.
        self.lost = False
        self.on_recovered: Callable[[], None] = _nothing
        #: How long a read waits for one of the pool's connections (the driver's own bound applies
        #: to writes); see :meth:`patient`.
        self.queue_seconds = QUEUE_SECONDS

    def patient(self) -> AsyncDatabase:
        """The same driver, with reads that wait for a connection until the deadline rather than
        :data:`QUEUE_SECONDS`: for the API's own background work (the warm-up after an outage), which
        must not be shed while the requests in flight hold every connection."""
        view = copy.copy(self)
        view.queue_seconds = DEADLINE_SECONDS
        return view

    async def close(self) -> None:
        await self._driver.close()

    @contextmanager
    def _counted(self) -> Iterator[None]:
        self.round_trips += 1
        self.in_use += 1
        self._on_start()
        try:
            yield
        finally:
            self.in_use -= 1
            self._on_finish()

    async def read(self, query: Query, **params: Any) -> list[Row]:
        """Run one read query in a managed transaction and return its rows as dicts.

        A statement that writes is refused before it is sent, as by ``Database.read`` (docs/scaling.md).
        """
        if writes_to_store(query):
            raise WriteInReadTransaction(f"cypher/{query.name}.cypher writes to the graph; run it through write()")

        return await self._run(query, params, RoutingControl.READ)

    async def write(self, query: Query, **params: Any) -> list[Row]:
        """Run one write query in a managed transaction and return its rows as dicts."""
        return await self._run(query, params, RoutingControl.WRITE)

    async def _run(self, query: Query, params: dict[str, Any], routing: RoutingControl) -> list[Row]:
        try:
            # asyncio's TimeoutError is an OSError: errors() turns it into DatabaseUnavailable.
            with self._counted(), self.errors():
                async with asyncio.timeout(DEADLINE_SECONDS):
                    if routing is RoutingControl.READ:
                        rows = await self._read_retried(DriverQuery(query.text, timeout=DEADLINE_SECONDS), params)
                    else:
                        rows = await self._driver.execute_query(
                            DriverQuery(query.text, timeout=DEADLINE_SECONDS), params, routing_=routing,
                            database_=self.settings.neo4j_database,
                            bookmark_manager_=self.bookmarks, result_transformer_=_rows)
        except DatabaseUnavailable as exc:
            # unreachable or not serving; not merely busy (every connection of this worker in use)
            self.lost = self.lost or not isinstance(exc.__cause__, ConnectionAcquisitionTimeoutError)
            raise
        if self.lost:  # the first answer after an outage
            self.lost = False
            self.on_recovered()
        return rows

    async def _read_retried(self, query: DriverQuery, params: dict[str, Any]) -> list[Row]:
        loop = asyncio.get_running_loop()
        first_failure: float | None = None
        pause = FIRST_PAUSE_SECONDS
        while True:
            try:
                async with self._driver.session(database=self.settings.neo4j_database, default_access_mode=READ_ACCESS,
                                                bookmark_manager=self.bookmarks,
                                                connection_acquisition_timeout=self.queue_seconds) as session:
                    return await _rows(await session.run(query, params))
            except (Neo4jError, DriverError) as exc:
                now = loop.time()
                first_failure = now if first_failure is None else first_failure
                if not exc.is_retryable() or now + pause - first_failure > RETRY_SECONDS:
                    raise
            await asyncio.sleep(pause * random.uniform(0.8, 1.2))
            pause = min(pause * 2, RETRY_SECONDS)

    async def ping(self) -> None:
        """Raise :class:`DatabaseUnavailable` or :class:`AuthenticationFailed` unless Neo4j answers."""
        with self.errors():
            await self._driver.verify_connectivity()


async def _rows(result: AsyncResult) -> list[Row]:
    """A statement's rows as dicts of the values as the driver decoded them (no per-value walk)."""
    keys = result.keys()
    return [dict(zip(keys, values, strict=True)) for values in await result.values()]
