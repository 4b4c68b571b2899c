"""Behaviour events arriving through the API: stored like loaded events, then portraits refreshed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ckg.graph.db import Database, TxRunner
from ckg.graph.queries import Query, queries

#: The write statement of each event type: the one table for the loader and the API.
EVENT_WRITES: dict[str, Query] = {"view": queries.load.merge_views, "favorite": queries.load.merge_favorites,
                                  "cart": queries.load.merge_carts, "search": queries.load.merge_searches}


@dataclass(frozen=True)
class Event:
    event_id: str
    customer_id: str
    type: str  # view | search | favorite | cart
    at: str  # ISO 8601 with zone
    sku: str | None = None
    query: str | None = None
    device: str | None = None


@dataclass(frozen=True)
class Recorded:
    stored: int
    unknown_customers: list[str]
    unknown_products: list[str]


def record(db: Database, events: list[Event]) -> Recorded:
    """Store events whose customer and product exist (idempotent on eventId); report the others."""
    customers = sorted({e.customer_id for e in events})
    skus = sorted({e.sku for e in events if e.sku})

    def work(tx: TxRunner) -> Recorded:
        missing_c = {r["id"] for r in tx.run(queries.load.find_missing_customers, ids=customers)}
        missing_p = {r["id"] for r in tx.run(queries.load.find_missing_products, ids=skus)} if skus else set()
        by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for e in events:
            if e.customer_id in missing_c or (e.sku and e.sku in missing_p):
                continue
            by_type[e.type].append({"eventId": e.event_id, "customerId": e.customer_id, "at": e.at,
                                    "sku": e.sku, "query": e.query, "device": e.device})
        for kind, rows in by_type.items():
            tx.run(EVENT_WRITES[kind], rows=rows)
        return Recorded(sum(len(v) for v in by_type.values()), sorted(missing_c), sorted(missing_p))

    return db.write_tx(work)
