"""The API's Neo4j driver: the official async driver, one per process, managed async transactions.

The API's hot paths (portraits, subscriptions' version polls) await Neo4j on the event loop, with
no thread-pool hop. The CLI and batch work keep the synchronous :class:`ckg.graph.db.Database`.
Errors are translated exactly as there (:mod:`ckg.graph.errors`). The API answers quickly when
Neo4j is gone: transient failures are retried for ``RETRY_SECONDS`` only, then the request gets 503.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from neo4j import AsyncGraphDatabase, AsyncManagedTransaction

from ckg.graph.db import Database, Row
from ckg.graph.errors import WriteInReadTransaction
from ckg.graph.queries import Query
from ckg.graph.settings import Settings
from ckg.graph.statement_access import writes_to_store

#: How long a managed transaction is retried on a transient failure before the error is raised.
RETRY_SECONDS = 2.0
#: Connections the pool may open; ``in_use`` is reported against it in /metrics.
POOL_SIZE = 100


def _nothing() -> None:
    pass


class AsyncDatabase:
    """The process's async driver: ``await db.read(query, **params)`` runs one managed read."""

    @contextmanager
    def errors(self) -> Iterator[None]:
        """The same translation of driver errors into ckg errors as the synchronous Database (it
        reads only ``settings``)."""
        with Database.errors(cast(Database, self)):
            yield

    def __init__(self, settings: Settings, *, on_start: Callable[[], None] | None = None,
                 on_finish: Callable[[], None] | None = None) -> None:
        """``on_start``/``on_finish``: told when a transaction begins and ends (the API's metrics)."""
        self.settings = settings
        self._on_start = on_start or _nothing
        self._on_finish = on_finish or _nothing
        self._driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.password),
            connection_timeout=settings.connection_timeout,
            connection_acquisition_timeout=settings.connection_timeout * 2,
            max_transaction_retry_time=RETRY_SECONDS,
            max_connection_pool_size=POOL_SIZE,
            notifications_min_severity="OFF",
        )
        #: Transactions sent (tests count round trips with it); sessions open right now.
        self.round_trips = 0
        self.in_use = 0
        self.pool_size = POOL_SIZE

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

        with self._counted(), self.errors():
            async with self._driver.session(database=self.settings.neo4j_database) as session:
                return await session.execute_read(_rows, query.text, params)

    async def write(self, query: Query, **params: Any) -> list[Row]:
        """Run one write query in a managed transaction and return its rows as dicts."""
        with self._counted(), self.errors():
            async with self._driver.session(database=self.settings.neo4j_database) as session:
                return await session.execute_write(_rows, query.text, params)

    async def ping(self) -> None:
        """Raise :class:`DatabaseUnavailable` or :class:`AuthenticationFailed` unless Neo4j answers."""
        with self.errors():
            await self._driver.verify_connectivity()


async def _rows(tx: AsyncManagedTransaction, text: str, params: dict[str, Any]) -> list[Row]:
    """One statement in a managed transaction (retried as a whole by the driver), its rows as dicts."""
    result = await tx.run(text, params)
    return await result.data()
