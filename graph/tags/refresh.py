"""Refresh tags: every family of the catalogue, for all customers or incrementally for a few.

A Cypher family is derived chunk by chunk (5,000 ids): in one write transaction the chunk's old
tags of that family are removed, the derivation query computes the new ones, and they are
written with weight, confidence, computedAt, source and evidence. Algorithm families run their
algorithm once over the whole graph (GDS or networkx, :mod:`ckg.graph.tags.algorithm_families`),
then their tag rows are written through the same path.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ckg.graph import locks
from ckg.graph.algorithms.engine import Engine, choose
from ckg.graph.category_map import load_category_map
from ckg.graph.consent import DEFAULT_USES, apply_consents
from ckg.graph.db import Database, TxRunner
from ckg.graph.errors import CkgError
from ckg.graph.progress import NoProgress, Progress
from ckg.graph.queries import Query, queries
from ckg.graph.tags.algorithm_families import ALGORITHM_FAMILIES, CHUNK, AlgorithmRun, TagRow, similar_customers
from ckg.graph.tags.catalogue import FAMILIES, TagFamily, family

SIMILARITY = "similar_customers"  # not a tag family: SIMILAR_TO relationships, refreshed with the rest
HALF_LIFE_DAYS = 90.0


@dataclass
class Stage:
    name: str
    seconds: float
    rows: int


@dataclass
class RefreshResult:
    as_of: str
    engine: Engine
    stages: list[Stage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.stages)


def data_end(db: Database) -> str:
    """The newest order or event timestamp: the default ``as of`` of a refresh."""
    row = db.read(queries.tags.find_data_end)[0]
    return str(row["asOf"]) if row["asOf"] else datetime.now(UTC).isoformat()


def _ids(db: Database, entity: str) -> Iterator[list[str]]:
    query = queries.tags.list_customer_ids if entity == "Customer" else queries.tags.list_enterprise_ids
    after = ""
    while True:
        page = [r["id"] for r in db.read(query, after=after, limit=CHUNK)]
        if not page:
            return
        yield page
        after = page[-1]


def _clear_write(f: TagFamily) -> tuple[Query, Query]:
    """The statements that clear a family's tags from subjects and write new ones."""
    if f.applies_to == "Customer":
        return queries.tags.clear_customer_family, queries.tags.write_customer_tags
    return queries.tags.clear_enterprise_family, queries.tags.write_enterprise_tags


def _tag_params(f: TagFamily, now: str, source: str) -> dict[str, Any]:
    return {"family": f.name, "dimension": f.dimension, "description": f.description,
            "sensitive": f.sensitive, "basis": f.basis, "defaultUses": DEFAULT_USES, "now": now, "source": source}


class Refresher:
    """Runs the derivations; one instance per refresh."""

    def __init__(self, db: Database, *, engine: str = "auto", as_of: str | None = None,
                 progress: Progress | None = None) -> None:
        self.db = db
        self._wanted_engine = engine
        self._engine: Engine | None = None
        self.now = as_of or data_end(db)
        self.progress = progress or NoProgress()
        self.result = RefreshResult(self.now, "networkx" if engine == "networkx" else "gds")

    @property
    def engine(self) -> Engine:
        """Chosen on first use, so an incremental refresh (no algorithms) skips the check."""
        if self._engine is None:
            self._engine = choose(self.db, self._wanted_engine)
            self.result.engine = self._engine
        return self._engine

    # ------------------------------------------------------------------ entry points
    def run(self, only: Iterable[str] | None = None, customers: Sequence[str] | None = None) -> RefreshResult:
        wanted = list(only) if only else [f.name for f in FAMILIES] + [SIMILARITY]
        for name in wanted:
            if name == SIMILARITY:
                continue
            try:
                family(name)
            except KeyError:
                raise CkgError(f"unknown tag family {name!r}; `ckg tags list` shows them") from None
        if customers is not None:
            return self._incremental([f for f in FAMILIES if f.name in wanted], list(customers))
        for ids in _ids(self.db, "Customer"):  # consents decide what may be held (graph.consent)
            self.db.write_tx(lambda tx, ids=ids: apply_consents(tx, ids))  # type: ignore[misc]
        for f in FAMILIES:
            if f.name not in wanted:
                continue
            started = time.perf_counter()
            self.db.write(queries.tags.sync_tag_family, **_tag_params(f, self.now, ""))
            rows = self._family(f)
            self.result.stages.append(Stage(f.name, time.perf_counter() - started, rows))
        if SIMILARITY in wanted:
            started = time.perf_counter()
            n = similar_customers(AlgorithmRun(self.db, self.engine, self.now, self.result.warnings))
            self.result.stages.append(Stage(SIMILARITY, time.perf_counter() - started, n))
        return self.result

    def _incremental(self, families: list[TagFamily], ids: list[str]) -> RefreshResult:
        """A few customers after new events: every incremental Cypher family in one transaction.

        Population-level families (RFM quintiles, communities, propensity) wait for a full refresh.
        """
        chosen = [f for f in families if f.applies_to == "Customer" and f.refresh == "incremental" and f.query_name]
        prepared = [(f, queries.get(f.query_name or ""),
                     {**_tag_params(f, self.now, f"cypher:{f.query_name}"), **self._extra_params(f)})
                    for f in chosen]

        def work(tx: TxRunner) -> list[Stage]:
            stages = []
            apply_consents(tx, ids)  # also drops algorithm tags a withdrawal no longer allows
            for f, derive, params in prepared:
                started = time.perf_counter()
                written = self._derive_chunk(tx, f, derive, params, ids)
                stages.append(Stage(f.name, time.perf_counter() - started, written))
            return stages

        self.result.stages.extend(self.db.write_tx(work))
        return self.result

    def _family(self, f: TagFamily) -> int:
        if f.query_name:
            return self._cypher_family(f)
        rows = ALGORITHM_FAMILIES[f.algorithm or ""](AlgorithmRun(self.db, self.engine, self.now, self.result.warnings))
        return self._replace_all(f, rows)

    # ------------------------------------------------------------------ Cypher families
    def _extra_params(self, f: TagFamily) -> dict[str, Any]:
        extra: dict[str, Any] = {"halfLifeDays": HALF_LIFE_DAYS}
        if f.name == "rfm_segment":
            extra["cuts"] = self.db.read(queries.tags.measure_rfm_cuts, now=self.now)[0]
        if f.name == "high_value":
            threshold = self.db.read(queries.tags.measure_high_value_threshold, now=self.now)[0]["threshold"]
            extra["threshold"] = threshold if threshold is not None else math.inf
        if f.name == "life_stage":
            mapping = load_category_map(self.db.settings.category_map)
            if not mapping.has_life_stage:  # read once per refresh: one warning
                self.result.warnings.append("life_stage: no category map (CKG_CATEGORY_MAP), so no life-stage tags")
            extra.update(expecting=mapping.expecting, newborn=mapping.newborn)
        return extra

    def _derive_chunk(self, tx: TxRunner, f: TagFamily, derive: Query, params: dict[str, Any],
                      ids: list[str]) -> int:
        """Replace family ``f``'s tags on ``ids``: clear, derive, write, all in the caller's transaction."""
        clear, write = _clear_write(f)
        tx.run(clear, ids=ids, family=f.name)
        rows = tx.run(derive, ids=ids, **params)
        if rows:
            tx.run(write, rows=rows, **params)
        return len(rows)

    def _cypher_family(self, f: TagFamily) -> int:
        """Every subject of the family, chunk by chunk, one transaction per chunk."""
        assert f.query_name is not None
        derive = queries.get(f.query_name)
        params = {**_tag_params(f, self.now, f"cypher:{f.query_name}"), **self._extra_params(f)}
        written = 0
        self.progress.start(f.name, 0)
        for n, ids in enumerate(_ids(self.db, f.applies_to), start=1):
            written += self.db.write_tx(
                lambda tx, ids=ids: self._derive_chunk(tx, f, derive, params, ids))  # type: ignore[misc]
            self.progress.advance(f.name, n)
        self.progress.end(f.name)
        return written

    def _replace_all(self, f: TagFamily, rows: list[TagRow]) -> int:
        """Algorithm families: clear the family everywhere, then write ``rows`` in chunks."""
        clear, write = _clear_write(f)
        params = _tag_params(f, self.now, f"algorithm:{f.algorithm}:{self.engine}")
        for ids in _ids(self.db, f.applies_to):
            self.db.write(clear, ids=ids, family=f.name)
        return self.db.write_batches(write, rows, CHUNK, **params)

def replace_family_tags(db: Database, family_name: str, ids: list[str], rows: list[TagRow], now: str,
                        source: str) -> int:
    """Replace one family's tags on ``ids`` with ``rows`` in one transaction (after an erasure)."""
    f = family(family_name)
    clear, write = _clear_write(f)
    params = _tag_params(f, now, source)

    def work(tx: TxRunner) -> int:
        tx.run(clear, ids=ids, family=f.name)
        if rows:
            tx.run(write, rows=rows, **params)
        return len(rows)

    return db.write_tx(work)


def refresh(db: Database, *, only: Iterable[str] | None = None, customers: Sequence[str] | None = None,
            engine: str = "auto", as_of: str | None = None, progress: Progress | None = None) -> RefreshResult:
    """Refresh every tag family (or ``only`` some), for everyone (or just ``customers``).

    A refresh of everyone holds the graph's full-refresh lock, so two of them (the CLI and an API
    job, or two API workers) never run at once; a second one raises :class:`LockBusy`.
    """
    refresher = Refresher(db, engine=engine, as_of=as_of, progress=progress)
    if customers is not None:
        return refresher.run(only, customers)
    with locks.hold(db, locks.FULL_REFRESH, locks.holder_name("refresh")):
        return refresher.run(only, None)
