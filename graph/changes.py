"""Portrait versions: the change counter that keeps every API worker's portrait cache and every
subscription honest, on Neo4j Community (no CDC, no triggers): ckg's own writers say what changed.

A portrait's version is ``[epoch, customer]``. :func:`portraits_changed` moves the version of each
customer it is told about (``Customer.portraitVersion``: locking only those customers, so writers of
different customers never queue on a shared node); without a list (a full refresh) it moves the
epoch of one counter (``(:ChangeCounter {name: 'portraits'})``), which changes every portrait's
version. Versions are compared for equality only. The portrait
statement (``cypher/api/get_portrait.cypher``) reads the version in the same round trip as the
portrait, so a cached portrait is used only while its version is current, in whichever worker.

Every refresh that may have changed a portrait calls it (``ckg.graph.tags.refresh.refresh``: one
that ran a stage or the consent sweep, wrote tags or pruned history), so recordEvents,
recordConsent, ``ckg tags refresh`` and the refresh after an erasure move it; a full refresh that
skipped everything (nothing changed) or was refused the lock does not, and every cache stays valid.
The incremental refresh (recordEvents) moves its customers' versions inside its own transaction
(:func:`portraits_changed_in`), so the new tags and the new version commit together.
The API's erasure and consent mutations call it too, right after their own writes.
"""

from __future__ import annotations

from collections.abc import Sequence

from ckg.graph.async_db import AsyncDatabase
from ckg.graph.db import Database, TxRunner
from ckg.graph.queries import queries

Version = tuple[int, int]


def as_version(raw: Sequence[int]) -> Version:
    """A version as the statements return it (``[epoch, customer]``) as a tuple."""
    return int(raw[0]), int(raw[1])


def portraits_changed(db: Database, customers: Sequence[str] | None) -> None:
    """Record that these customers' portraits (None: everyone's) changed."""
    if customers is None:
        db.write(queries.api.bump_portrait_epoch)
    elif customers:
        db.write_tx(lambda tx: portraits_changed_in(tx, customers))


def portraits_changed_in(tx: TxRunner, customers: Sequence[str]) -> None:
    """:func:`portraits_changed` for some customers, inside the transaction that changed them: the
    new version commits with the change (the incremental refresh of ``recordEvents``)."""
    if customers:
        tx.run(queries.api.bump_portrait_versions, ids=sorted(set(customers)))  # one lock order: no deadlock


async def portrait_versions(db: AsyncDatabase, customers: Sequence[str]) -> dict[str, Version | None]:
    """The current version of each customer's portrait (None: no such customer, e.g. erased)."""
    rows = await db.read(queries.api.get_portrait_versions, ids=list(customers))
    return {r["id"]: (None if r["version"] is None else as_version(r["version"]))
            for r in rows}
