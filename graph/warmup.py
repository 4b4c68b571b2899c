"""Warming a Neo4j server's plan cache for the API's statements.

A server that has just started, or restarted, plans each statement the first time it sees it:
seconds for the larger ones on a cold JVM. When the API's traffic arrives at once, every request
plans on its own, holds its connection meanwhile, and the pools fill: the API sheds load (503) for
up to a minute (bench/RESULTS.md, API soak). Plans are cached per statement text and parameter
types, and a statement that runs after a write in the same transaction has its own entry, so the
warm-up runs the real paths rather than EXPLAIN: the portrait and page reads, and a ``recordEvents``
with its incremental refresh rehearsed on a real customer in a transaction that is rolled back.
Nothing is written. The API runs it before it starts serving and again when Neo4j is back after
an outage (gql.app).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from ckg.graph import customers, events
from ckg.graph.async_db import AsyncDatabase
from ckg.graph.db import Database
from ckg.graph.portrait import fetch_portrait, portrait_heads
from ckg.graph.queries import queries
from ckg.graph.tags.refresh import rehearse_incremental


@dataclass(frozen=True)
class Subjects:
    customer: str
    sku: str | None


def subjects(db: Database) -> Subjects | None:
    """A customer and a product to rehearse on; None for a graph without customers."""
    rows = db.read(queries.api.get_warm_up_subjects)
    return Subjects(str(rows[0]["customer"]), rows[0]["sku"]) if rows else None


def rehearse_writes(db: Database, on: Subjects) -> None:
    """``recordEvents`` for ``on.customer``, every statement of it, rolled back (synchronous: the API
    runs it in a thread, as it runs the mutation)."""
    at = datetime.now(UTC).isoformat()
    batch = [events.Event("ckg-warm-up-search", on.customer, "search", at, query="warm-up")]
    if on.sku is not None:
        batch += [events.Event(f"ckg-warm-up-{kind}", on.customer, kind, at, sku=on.sku)
                  for kind in ("view", "favorite", "cart")]
    events.record(db, batch, rehearse=True)
    rehearse_incremental(db, on.customer)


async def rehearse_reads(adb: AsyncDatabase, on: Subjects) -> None:
    """The portrait (cold and with its version known), its head, and a page with its batched lookups,
    for both visibilities (with and without sensitive tags)."""
    for sensitive in (False, True):
        data = await fetch_portrait(adb, on.customer, sensitive)
        if data is not None:
            await fetch_portrait(adb, on.customer, sensitive, data.version)
        ids, _, _ = await customers.customer_page(adb, customers.CustomerFilter(), 20, None, sensitive)
        await customers.tags_by_customer(adb, ids, sensitive)
    await portrait_heads(adb, [on.customer])
    ids = [on.customer]
    await customers.customers_by_id(adb, ids)
    await customers.communities_by_customer(adb, ids)
    await customers.similar_by_customer(adb, ids, 5)


def took_since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"
