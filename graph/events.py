"""Behaviour events arriving through the API: stored like loaded events, then portraits refreshed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ckg.graph.clock import future_problem
from ckg.graph.db import Database, TxRunner
from ckg.graph.errors import CkgError
from ckg.graph.identifiers import identifier_problem
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


class InvalidEvent(CkgError):
    """An event that cannot be stored as given (bad time, missing field); nothing was stored."""

    def __init__(self, event_id: str, reason: str) -> None:
        super().__init__(f"event {event_id}: {reason}")
        self.event_id = event_id


def check(events: list[Event]) -> None:
    """Refuse the whole batch when one event is malformed or dated in the future (:class:`InvalidEvent`)."""
    for e in events:
        problem = identifier_problem(e.event_id)
        if problem:
            raise InvalidEvent(e.event_id, f"eventId {problem}")
        try:
            stamp = datetime.fromisoformat(e.at.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidEvent(e.event_id, "'at' must be ISO 8601 with a zone") from None
        if stamp.tzinfo is None:
            raise InvalidEvent(e.event_id, "'at' must be ISO 8601 with a zone")
        late = future_problem(stamp)
        if late:
            raise InvalidEvent(e.event_id, late)
        if (e.type == "search") != (e.query is not None) or (e.type != "search" and not e.sku):
            raise InvalidEvent(e.event_id, "search events need a query, others a sku")


@dataclass(frozen=True)
class Recorded:
    stored: int
    unknown_customers: list[str]
    unknown_products: list[str]
    #: The customers with at least one event stored: theirs are the portraits to refresh.
    customers: list[str]


def record(db: Database, events: list[Event], *, rehearse: bool = False) -> Recorded:
    """Check the batch, then store events whose customer and product exist (idempotent on eventId);
    report the others. Raises :class:`InvalidEvent`, storing nothing, when one event is malformed.
    ``rehearse``: run every statement, then roll back (graph.warmup): nothing is stored, and
    the result says what would have been."""
    check(events)
    return record_checked(db, [events], rehearse=rehearse)[0]


def record_checked(db: Database, batches: Sequence[list[Event]], *, rehearse: bool = False) -> list[Recorded]:
    """:func:`record` for several batches already checked, in one transaction (the API's group
    commit, gql.group_commit): each batch's result is what :func:`record` would say of it alone."""
    customers = sorted({e.customer_id for b in batches for e in b})
    skus = sorted({e.sku for b in batches for e in b if e.sku})

    def work(tx: TxRunner) -> list[Recorded]:
        missing_c = {r["id"] for r in tx.run(queries.load.find_missing_customers, ids=customers)}
        missing_p = {r["id"] for r in tx.run(queries.load.find_missing_products, ids=skus)} if skus else set()
        by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
        done: list[Recorded] = []
        for batch in batches:
            kept = [e for e in batch if e.customer_id not in missing_c and not (e.sku and e.sku in missing_p)]
            for e in kept:
                by_type[e.type].append({"eventId": e.event_id, "customerId": e.customer_id, "at": e.at,
                                        "sku": e.sku, "query": e.query, "device": e.device})
            done.append(Recorded(len(kept), sorted({e.customer_id for e in batch} & missing_c),
                                 sorted({e.sku for e in batch if e.sku} & missing_p),
                                 sorted({e.customer_id for e in kept})))
        for kind, rows in by_type.items():
            tx.run(EVENT_WRITES[kind], rows=rows)
        return done

    return db.rehearse_tx(work) if rehearse else db.write_tx(work)

