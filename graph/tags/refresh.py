"""Refresh tags: every family of the catalogue, for all customers or incrementally for a few.

A refresh writes only what changed. Each derivation *pass* (one Cypher file: one family, or
several fused families that read the same neighbourhood) runs chunk by chunk (5,000 ids); in
one write transaction per chunk it derives the tags and :func:`write_tags` compares them with
the current ones: new tags are created, tags no longer derived end (they become ``HAD_TAG``
history), a weight that moved more than :data:`WEIGHT_STEP` from the weight its version began
with starts a new version (the old one becomes history), other differences are updated in place,
and an unchanged tag is not written at all. Algorithm families run their algorithm once over the
whole graph (GDS or networkx, :mod:`ckg.graph.tags.algorithm_families`); their tag rows go
through the same writer. A full refresh ends by pruning history older than
``CKG_TAG_HISTORY_DAYS`` (:mod:`ckg.graph.tag_history` reads it).

A full refresh skips work whose inputs did not change since it last ran: each pass, algorithm
family, the similarity stage, the consent sweep and the data end are *units* with a fingerprint
of their inputs (:mod:`ckg.graph.tags.fingerprint`); a unit whose fingerprint equals the one
stored at its last successful run is reported as ``unchanged inputs`` and not run. ``force``
(``ckg tags refresh --force``) runs everything. Only a plain full refresh (every family, the
default "as of") records fingerprints: a refresh with ``only`` or an explicit ``as_of`` runs
every stage it chose and first forgets every tag unit's fingerprint (its tags are those of a
subset, or of another time), so the next plain full refresh recomputes everything. Incremental
refreshes are never skipped.
"""

from __future__ import annotations

import inspect
import math
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from ckg.graph import changes, locks
from ckg.graph.algorithms.engine import Engine, choose
from ckg.graph.category_map import load_category_map
from ckg.graph.consent import DEFAULT_USES, apply_consents, drop_unconsented_outputs
from ckg.graph.db import Database, TxRunner
from ckg.graph.errors import CkgError
from ckg.graph.progress import NoProgress, Progress
from ckg.graph.queries import Query, queries
from ckg.graph.tags import fingerprint as fp
from ckg.graph.tags.algorithm_families import ALGORITHM_FAMILIES, CHUNK, AlgorithmRun, TagRow, similar_customers
from ckg.graph.tags.catalogue import FAMILIES, TagFamily, family

T = TypeVar("T")
SIMILARITY = "similar_customers"  # not a tag family: SIMILAR_TO relationships, refreshed with the rest
#: The unit that writes each structure output (:data:`fingerprint.STRUCTURE_OUTPUTS`).
OUTPUT_OWNERS = {"MEMBER_OF": "social_community", "Community": "social_community", "SIMILAR_TO": SIMILARITY,
                 "SAME_PERSON_AS": "duplicate_identity"}
#: Units of a full refresh that are not a stage of tags (graph.tags.fingerprint).
DATA_END = "data_end"
CONSENT_SWEEP = "consent_sweep"
#: What a skipped unit's stage says.
UNCHANGED = "unchanged inputs"
#: Why every stage of a refresh with ``only`` or an explicit ``as_of`` runs.
PARTIAL = "partial refresh (--only or --as-of): not skipped, fingerprints forgotten"
#: Units whose result depends on neither the families chosen nor the "as of": kept by a partial refresh.
_KEPT_BY_PARTIAL = (CONSENT_SWEEP, DATA_END)
HALF_LIFE_DAYS = 90.0
#: A held tag whose weight moves more than this from the weight its version began with ends that
#: version (kept as ``HAD_TAG`` history, reason ``weight_changed``) and starts a new one; smaller
#: moves update the current version in place (docs/model.md, Tag history).
WEIGHT_STEP = 0.1
#: The summary counters a refresh adds up over the statements that write tags.
WRITE_COUNTERS = ("relationships_created", "relationships_deleted", "properties_set", "nodes_created")


@dataclass
class Stage:
    name: str
    seconds: float
    rows: int
    #: Relationships created and deleted and properties set by the stage's tag writes (0: unchanged).
    writes: int = 0
    #: True when a full refresh skipped the stage: its inputs are those of its last successful run.
    skipped: bool = False
    #: Why it ran (what changed since its last run, "forced", "no earlier run") or why not (UNCHANGED).
    note: str = ""


@dataclass
class RefreshResult:
    as_of: str
    engine: Engine
    stages: list[Stage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Summary counters of the tag writes (HAS_TAG and HAD_TAG), ``WRITE_COUNTERS``: all 0 when
    #: nothing changed since the previous refresh.
    tag_writes: Counter[str] = field(default_factory=lambda: Counter(dict.fromkeys(WRITE_COUNTERS, 0)))
    #: Summary counters of the refresh's own records (the units' fingerprints, ``RefreshState``):
    #: a record that a refresh ran, not a tag, so never in ``tag_writes``.
    bookkeeping_writes: Counter[str] = field(default_factory=lambda: Counter(dict.fromkeys(WRITE_COUNTERS, 0)))
    history_pruned: int = 0
    #: Units skipped because their inputs were unchanged (stages and the consent sweep, data end).
    skipped: list[str] = field(default_factory=list)
    #: Whether the refresh moved the portraits' version (:mod:`ckg.graph.changes`): it ran a stage
    #: or the consent sweep, wrote tags or pruned history.
    portraits_moved: bool = False

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.stages)


@dataclass(frozen=True)
class Pass:
    """One derivation query and the families it yields: one, or several fused into one pass."""

    query_name: str
    families: tuple[TagFamily, ...]

    @property
    def name(self) -> str:
        return "+".join(f.name for f in self.families)


def cypher_passes(families: Iterable[TagFamily]) -> list[Pass]:
    """The Cypher families grouped by derivation file, in catalogue order."""
    grouped: dict[str, list[TagFamily]] = {}
    for f in families:
        if f.query_name:
            grouped.setdefault(f.query_name, []).append(f)
    return [Pass(q, tuple(fs)) for q, fs in grouped.items()]


def collected(derive: Query) -> Query:
    """A derivation statement with its rows (``id, tag, weight, confidence, evidence``) collected
    into one: the driver builds a record per row in Python (~25 us each, ~1.5 s per chunk of the
    customer attributes' 35k rows), a list element costs a fraction of that."""
    return Query(derive.name, "CALL () {\n" + derive.text + "\n}\n"
                 "RETURN collect([id, tag, weight, confidence, evidence]) AS rows")


def data_end(db: Database) -> str:
    """The newest order or event timestamp: the default ``as of`` of a refresh."""
    row = db.read(queries.tags.find_data_end)[0]
    return str(row["asOf"]) if row["asOf"] else datetime.now(UTC).isoformat()


#: How long an incremental refresh trusts the whole graph's data end it read (seconds): finding it
#: scans every order and event, far more than refreshing one customer costs.
DATA_END_TTL_SECONDS = 60.0
_data_ends: dict[tuple[str, str], tuple[float, str]] = {}
#: One reader of the data end at a time: it scans every order and event, so the requests of a
#: busy API (every recordEvents asks) must not all re-read it when the minute ends.
_data_end_reader = threading.Lock()


def known_data_end(db: Database) -> str:
    """The graph's data end as this process last read it (read again at most once a minute, by one
    thread at a time: the others go on with the last value, unless none is known yet)."""
    key = (db.settings.neo4j_uri, db.settings.neo4j_database)
    known = _data_ends.get(key)
    if (known is None or time.monotonic() - known[0] > DATA_END_TTL_SECONDS) \
            and _data_end_reader.acquire(blocking=known is None):  # else: another thread reads it; the
        try:                                                            # last value serves meanwhile
            known = _data_ends.get(key)
            if known is None or time.monotonic() - known[0] > DATA_END_TTL_SECONDS:
                known = (time.monotonic(), data_end(db))
                _data_ends[key] = known
        finally:
            _data_end_reader.release()
    assert known is not None
    return known[1]


def customers_as_of(tx: TxRunner, ids: Sequence[str], known: str) -> str:
    """The "as of" of an incremental refresh of ``ids``, read in its own transaction: the later of
    ``known`` (the graph's data end, :func:`known_data_end`) and these customers' newest order or event."""
    return str(tx.run(queries.tags.find_customers_data_end, ids=list(ids), known=known)[0]["asOf"])


def _ids(db: Database, entity: str) -> Iterator[list[str]]:
    query = queries.tags.list_customer_ids if entity == "Customer" else queries.tags.list_enterprise_ids
    after = ""
    while True:
        page = [r["id"] for r in db.read(query, after=after, limit=CHUNK)]
        if not page:
            return
        yield page
        after = page[-1]


def _meta(families: Iterable[TagFamily], sources: dict[str, str]) -> dict[str, dict[str, Any]]:
    """What the writer needs per family: the Tag node's properties and the source of its tags."""
    return {f.name: {"dimension": f.dimension, "description": f.description, "sensitive": f.sensitive,
                     "basis": f.basis, "source": sources[f.name]} for f in families}


def _unchanged(held: list[Any] | None, row: TagRow, source: str | None) -> bool:
    """Whether the writer would leave ``row`` as it is: the tag is held, versioned (``since`` and
    ``sinceWeight``), and weight (to 1e-9), confidence, evidence and source are the same. Only a
    pre-filter: write_customer_tags decides again on whatever it is sent, so a row sent needlessly
    is written as before, and none the writer would write is held back (a missing value counts as
    changed)."""
    if held is None:
        return False
    weight, confidence, evidence, held_source, versioned = held
    return (bool(versioned) and weight is not None and row["weight"] is not None
            and abs(weight - row["weight"]) <= 1e-9 and confidence == row["confidence"]
            and evidence == row["evidence"] and held_source == source)


def write_tags(tx: TxRunner, families: Sequence[TagFamily], ids: Sequence[str], rows: Sequence[TagRow],
               now: str, sources: dict[str, str]) -> Counter[str]:
    """Make ``families``' tags on ``ids`` what ``rows`` say, writing only the differences.

    ``rows`` are derived tag rows (``id``, ``tag``, ``weight``, ``confidence``, ``evidence``) of
    these families for these subjects; ``sources`` names each family's source. The tags held are
    read first (one statement), so the end statement sees only the subjects holding a tag no
    longer derived and the writer only the rows that differ from what is held. Returns the
    statements' summary counters.
    """
    if not families or not ids:
        return Counter()
    customers = families[0].applies_to == "Customer"
    current = queries.tags.list_current_customer_tags if customers else queries.tags.list_current_enterprise_tags
    end = queries.tags.end_customer_tags if customers else queries.tags.end_enterprise_tags
    write = queries.tags.write_customer_tags if customers else queries.tags.write_enterprise_tags
    names = [f.name for f in families]
    held: dict[tuple[str, str], list[Any]] = {
        (t[0], t[1]): t[2:] for t in tx.run_plain(current, ids=list(ids), families=names)[0]["tags"]}
    derived: dict[str, list[str]] = {}
    changed = []
    for r in rows:
        derived.setdefault(r["id"], []).append(r["tag"])
        family_name = r["tag"].split(":", 1)[0]
        if not _unchanged(held.get((r["id"], r["tag"])), r, sources.get(family_name)):
            changed.append({**r, "family": family_name})
    yielded = {i: set(tags) for i, tags in derived.items()}
    ending = sorted({i for i, tag in held if tag not in yielded.get(i, ())})
    total: Counter[str] = Counter()
    if ending:
        _, counters = tx.run_counted(end, ids=ending, families=names,
                                     derived={i: derived.get(i, []) for i in ending}, now=now)
        total.update({k: counters[k] for k in WRITE_COUNTERS})
    if changed:
        _, counters = tx.run_counted(write, rows=changed, meta=_meta(families, sources), now=now, step=WEIGHT_STEP,
                                     defaultUses=DEFAULT_USES)
        total.update({k: counters[k] for k in WRITE_COUNTERS})
    return total


def algorithm_sources(name: str) -> tuple[Any, ...]:
    """The code an algorithm unit runs: its function (and :class:`AlgorithmRun`'s helper it calls)
    and the modules of :mod:`ckg.graph.algorithms` it uses, directly or through each other."""
    fn = similar_customers if name == SIMILARITY else ALGORITHM_FAMILIES[name]
    helpers = (AlgorithmRun,) if "run.purchase_inputs" in inspect.getsource(fn) else ()
    return (fn, *helpers, *fp.algorithm_modules(fn))


def _sync_params(f: TagFamily) -> dict[str, Any]:
    return {"family": f.name, "dimension": f.dimension, "description": f.description,
            "sensitive": f.sensitive, "basis": f.basis}


class Refresher:
    """Runs the derivations; one instance per refresh."""

    def __init__(self, db: Database, *, engine: str = "auto", as_of: str | None = None,
                 progress: Progress | None = None, force: bool = False, rehearse: bool = False) -> None:
        self.db = db
        self.force = force
        #: An incremental refresh that runs every statement and then rolls its transaction back.
        self.rehearse = rehearse
        self._state: fp.GraphState | None = None
        #: Why every unit runs although a fingerprint may be unchanged (the outputs were touched).
        self._rerun = ""
        self._wanted_engine = engine
        self._engine: Engine | None = None
        self._as_of = as_of
        self.now = as_of or ""  # decided by run(): the data end, or the customers' own for an incremental refresh
        self.progress = progress or NoProgress()
        self.result = RefreshResult(self.now, "networkx" if engine == "networkx" else "gds")
        #: A refresh of some families (``only``) or as of a time of the caller's: it records no
        #: fingerprint and forgets those of the tag units (set by run()).
        self.partial = False
        #: Whether the refresh may have changed a portrait: a stage or the consent sweep began,
        #: or history was pruned (refresh() moves the portraits' version only then).
        self.touched = False
        #: The incremental path moves its customers' portrait versions in its own transaction.
        self.versions_moved = False
        self._pages: dict[str, list[list[str]]] = {}

    def ids(self, entity: str) -> list[list[str]]:
        """The ids of every ``entity`` (Customer or Enterprise) in chunks, read once per refresh:
        every stage walks the same chunks (the listing cost ~0.8 s per stage at 20k customers). A
        customer created while the refresh runs waits for the next one, as it did for the stages
        that had already run; one erased meanwhile matches nothing when its chunk is written."""
        if entity not in self._pages:
            self._pages[entity] = list(_ids(self.db, entity))
        return self._pages[entity]

    def each_chunk(self, entity: str, work: Callable[[list[str]], T]) -> Iterator[T]:
        """``work(ids)`` for every chunk of ``entity``'s ids, results in chunk order.

        ``CKG_REFRESH_WORKERS`` chunks run at once, each in the transaction ``work`` opens: chunks
        hold disjoint subjects, so no two transactions write the same subject's tags (two may
        create the same new ``Tag`` node: its uniqueness constraint makes one wait, and a deadlock
        is retried by the managed transaction). At most that many chunks' rows are in memory; the
        first failure stops the rest (chunks already committed stay, as one after another would
        leave them, and the next refresh, its stage not recorded as done, runs it again).
        """
        pages = self.ids(entity)
        workers = min(self.db.settings.refresh_workers, len(pages))
        if workers <= 1:
            for ids in pages:
                yield work(ids)
            return
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ckg-refresh")
        pending: deque[Future[T]] = deque()
        try:
            for ids in pages:
                pending.append(pool.submit(work, ids))
                if len(pending) >= workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

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
        chosen = [f for f in FAMILIES if f.name in wanted]
        if customers is not None:
            return self._incremental(chosen, list(customers))
        self._state = fp.GraphState.read(self.db)
        self.partial = bool(only) or bool(self._as_of)
        if self.partial:
            self._forget_tag_units()
        if not self.force and self._state.stored and self._state.outputs_changed(OUTPUT_OWNERS):
            self._rerun = "outputs changed since the last full refresh"
        if not self.partial and (self.force or self._rerun):
            # every unit runs: none is current until it has run again, so that a refresh cut off
            # part way leaves the next one the units it did not reach (and nothing else) to run
            self._forget_units(keep=(DATA_END,))
        if not self._as_of:
            self.now = self._data_end()
            self.result.as_of = self.now
        consents = fp.Unit(CONSENT_SWEEP, fp.query_reads(queries.consent.update_allowed_uses,
                                                         queries.consent.drop_unconsented_tags)
                           | fp.CONSENT_READS | {"IN_SEGMENT", "Segment"}, {"defaultUses": DEFAULT_USES},
                           fp.code_of(queries.consent.leave_unconsented_segments,
                                      queries.consent.drop_unconsented_outputs, apply_consents,
                                      drop_unconsented_outputs))
        if self._begin(consents) is not None:
            self.touched = True
            # consents decide what may be held (graph.consent)
            for _ in self.each_chunk("Customer", lambda ids: self.db.write_tx(lambda tx: apply_consents(tx, ids))):
                pass
            self._done(consents)
        for f in chosen:
            self.db.write(queries.tags.sync_tag_family, **_sync_params(f))
        for p in cypher_passes(chosen):
            self._stage(self._pass_unit(p), partial(self._cypher_pass, p))
        for f in chosen:
            if f.algorithm:
                self._stage(self._algorithm_unit(f.algorithm, f.name), partial(self._algorithm_family, f))
        if SIMILARITY in wanted:
            self._stage(self._algorithm_unit(SIMILARITY, SIMILARITY), lambda: similar_customers(
                AlgorithmRun(self.db, self.engine, self.now, self.result.warnings)), counts_tags=False)
        started = time.perf_counter()
        pruned = self.db.run_autocommit(queries.tags.prune_tag_history, now=self.now,
                                        days=self.db.settings.tag_history_days)
        self.result.history_pruned = int(pruned[0]["pruned"]) if pruned else 0
        self.touched = self.touched or self.result.history_pruned > 0
        self.result.stages.append(Stage("tag_history_retention", time.perf_counter() - started,
                                        self.result.history_pruned))
        if not self.partial:
            self._record_outputs()  # after pruning history, which ends with fewer versions
        return self.result

    # ------------------------------------------------------------------ fingerprints (full refresh)
    @property
    def state(self) -> fp.GraphState:
        assert self._state is not None, "a full refresh reads the graph's state first"
        return self._state

    def _forget_tag_units(self) -> None:
        """A partial refresh is about to write tags of some families, or as of another time: no tag
        unit's fingerprint says its outputs are current any more (forgotten before any write, so
        an interrupted partial refresh leaves none either)."""
        self._forget_units(keep=_KEPT_BY_PARTIAL)

    def _forget_units(self, keep: Iterable[str]) -> None:
        """Forget the fingerprint of every unit but those in ``keep``: each runs before it is current again."""
        keep = list(keep)
        _, counters = self.db.write_tx(lambda tx: tx.run_counted(queries.tags.forget_refresh_states, keep=keep))
        self.result.bookkeeping_writes.update({k: counters[k] for k in WRITE_COUNTERS})
        self.state.stored = {n: s if n in keep or s.fingerprint is None else fp.Stored(None, s.value, s.inputs)
                             for n, s in self.state.stored.items()}

    def _begin(self, unit: fp.Unit) -> str | None:
        """Why ``unit`` runs (and forget its fingerprint until it has succeeded), or None to skip it."""
        if not self.force and not self._rerun and self.state.unchanged(unit):
            self.result.skipped.append(unit.name)
            return None
        why = "forced" if self.force else self._rerun or self.state.what_changed(unit)
        _, counters = self.db.write_tx(lambda tx: tx.run_counted(queries.tags.forget_refresh_state, unit=unit.name))
        self.result.bookkeeping_writes.update({k: counters[k] for k in WRITE_COUNTERS})
        return why

    def _done(self, unit: fp.Unit, value: str | None = None) -> None:
        """``unit`` succeeded: keep the fingerprint of the inputs it ran on (read before it ran), and
        the outputs as it left them. A refresh cut off after it (a failure, kill -9) then leaves
        the next one a record of outputs to compare: without it, every unit would run again (at 1M
        customers, 17 minutes of passes already written were re-derived after a failure)."""
        _, counters = self.db.write_tx(lambda tx: tx.run_counted(
            queries.tags.record_refresh_state, unit=unit.name, fingerprint=self.state.fingerprint(unit),
            inputs=self.state.inputs(unit), value=value))
        self.result.bookkeeping_writes.update({k: counters[k] for k in WRITE_COUNTERS})
        if unit.name != DATA_END and not self.partial:  # the data end writes no output
            self._record_outputs()

    def _record_outputs(self) -> None:
        """Keep what the refresh left (its outputs' counts): the next one compares them first. Only
        the counts are read: this runs after every unit."""
        after = fp.GraphState(fp.read_counts(self.db), {}, {})
        _, counters = self.db.write_tx(lambda tx: tx.run_counted(
            queries.tags.record_refresh_state, unit=fp.OUTPUT_UNIT, fingerprint=None, inputs=after.outputs(),
            value=None))
        self.result.bookkeeping_writes.update({k: counters[k] for k in WRITE_COUNTERS})

    def _stage(self, unit: fp.Unit, work: Callable[[], int], counts_tags: bool = True) -> None:
        """Run one stage unless its inputs are unchanged; either way it appears in the result."""
        started = time.perf_counter()
        why = PARTIAL if self.partial else self._begin(unit)
        if why is None:
            self.result.stages.append(Stage(unit.name, time.perf_counter() - started, 0, skipped=True,
                                            note=UNCHANGED))
            return
        self.touched = True
        before = sum(self.result.tag_writes.values())
        rows = work()
        if not self.partial:
            self._done(unit)
        self.result.stages.append(Stage(unit.name, time.perf_counter() - started, rows,
                                        sum(self.result.tag_writes.values()) - before if counts_tags else 0,
                                        note=why))

    def _data_end(self) -> str:
        """The graph's data end, reused from the last refresh while the orders and events are unchanged."""
        unit = fp.Unit(DATA_END, fp.query_reads(queries.tags.find_data_end), {},
                       fp.code_of(queries.tags.find_data_end))
        known = None if self.force else self.state.stored_value(unit)
        if known is not None:
            self.result.skipped.append(DATA_END)
            return known
        self._begin(unit)
        found = self.db.read(queries.tags.find_data_end)[0]["asOf"]
        if not found:  # no order or event: "now" is the clock's, never kept
            return datetime.now(UTC).isoformat()
        self._done(unit, str(found))
        return str(found)

    def _pass_unit(self, p: Pass) -> fp.Unit:
        """A Cypher pass's unit: its derivation's and measures' inputs, the consents, its parameters."""
        derive = queries.get(p.query_name)
        reads = fp.query_reads(derive) | fp.family_reads(p.families) | fp.CONSENT_READS
        code: list[Any] = [derive, *(repr(f) for f in p.families)]
        if any(f'"{f.name}"' in _EXTRA_SOURCE for f in p.families):  # it measures the population first
            reads |= fp.source_reads(Refresher._extra_params)
            code += [Refresher._extra_params, *fp.source_statements(Refresher._extra_params)]
        params: dict[str, Any] = {"now": self.now, "halfLifeDays": HALF_LIFE_DAYS, "weightStep": WEIGHT_STEP,
                                  "defaultUses": DEFAULT_USES}
        if any(f.name == "life_stage" for f in p.families):
            params["categoryMap"] = fp.file_digest(self.db.settings.category_map_file)
        return fp.Unit(p.name, reads, params, fp.code_of(*code))

    def _algorithm_unit(self, algorithm: str, name: str) -> fp.Unit:
        """An algorithm's unit: what the statements of its code read, the catalogue's inputs, the engine.

        Its code may read tags (community profiles summarise members' purchase categories): then
        the inputs of every Cypher family are its inputs too, and so are the passes' fingerprints
        (their code and parameters decide the tags it reads).
        """
        sources = algorithm_sources(algorithm)
        reads = fp.source_reads(*sources) | fp.CONSENT_READS
        code: list[Any] = [*sources, *fp.source_statements(*sources)]
        if name != SIMILARITY:
            reads |= fp.family_reads([family(name)])
            code.append(repr(family(name)))
        params: dict[str, Any] = {"now": self.now, "engine": self.engine}
        if fp.source_names(*sources) & {"HAS_TAG", "Tag"}:
            passes = [self._pass_unit(p) for p in cypher_passes(FAMILIES)]
            for unit in passes:
                reads |= unit.reads
            params["passes"] = {unit.name: self.state.fingerprint(unit) for unit in passes}
        return fp.Unit(name, reads, params, fp.code_of(*code))

    def _incremental(self, families: list[TagFamily], ids: list[str]) -> RefreshResult:
        """A few customers after new events: every incremental Cypher pass, then one write, in one transaction.

        The same transaction reads the "as of" (unless one was given) and moves these customers'
        portrait versions (:mod:`ckg.graph.changes`), so a reader sees the new tags and the new
        version together, and the refresh costs one transaction, not three.
        Population-level families (RFM quintiles, communities, propensity) wait for a full refresh.
        """
        chosen = [f for f in families if f.applies_to == "Customer" and f.refresh == "incremental" and f.query_name]
        prepared = [(p, collected(queries.get(p.query_name)), self._pass_params(p)) for p in cypher_passes(chosen)]
        sources = {f.name: f"cypher:{f.query_name}" for f in chosen}
        known = None if self._as_of else known_data_end(self.db)

        def work(tx: TxRunner) -> tuple[list[Stage], Counter[str]]:
            if known is not None:
                self.now = self.result.as_of = customers_as_of(tx, ids, known)
            stages, rows = [], []
            apply_consents(tx, ids)  # also drops algorithm tags a withdrawal no longer allows
            for p, derive, params in prepared:
                started = time.perf_counter()
                derived = self._derive(tx, p, derive, {**params, "now": self.now}, ids)
                rows.extend(derived)
                stages.append(Stage(p.name, time.perf_counter() - started, len(derived)))
            writes = write_tags(tx, chosen, ids, rows, self.now, sources)
            changes.portraits_changed_in(tx, ids)
            return stages, writes

        if self.rehearse:  # every statement sent, then rolled back: no write to report (graph.warmup)
            self.result.stages.extend(self.db.rehearse_tx(work)[0])
            return self.result
        self.touched = True
        stages, writes = self.db.write_tx(work)
        self.versions_moved = True  # in the transaction (work): refresh() need not move them again
        self.result.stages.extend(stages)
        self.result.tag_writes.update(writes)
        if self._as_of and sum(writes.values()):
            # tags as of a time of the caller's choosing, perhaps not the data end: the next full
            # refresh must not trust any unit's fingerprint (graph.tags.fingerprint)
            self.result.bookkeeping_writes.update(
                {k: v for k, v in self.db.write_tx(lambda tx: tx.run_counted(
                    queries.tags.forget_refresh_states, keep=[]))[1].items() if k in WRITE_COUNTERS})
        return self.result

    # ------------------------------------------------------------------ Cypher passes
    def _extra_params(self, f: TagFamily) -> dict[str, Any]:
        extra: dict[str, Any] = {"halfLifeDays": HALF_LIFE_DAYS}
        if f.name == "rfm_segment":
            extra["cuts"] = self.db.read(queries.tags.measure_rfm_cuts, now=self.now)[0]
        if f.name == "high_value":
            threshold = self.db.read(queries.tags.measure_high_value_threshold, now=self.now)[0]["threshold"]
            extra["threshold"] = threshold if threshold is not None else math.inf
        if f.name == "life_stage":
            mapping = load_category_map(self.db.settings.category_map_file)
            if not mapping.has_life_stage:  # read once per refresh: one warning
                self.result.warnings.append("life_stage: no category map (CKG_CATEGORY_MAP, or "
                                            "CKG_HOME/category-map.toml), so no life-stage tags")
            extra.update(expecting=mapping.expecting, newborn=mapping.newborn)
        return extra

    def _pass_params(self, p: Pass) -> dict[str, Any]:
        params: dict[str, Any] = {"now": self.now}
        for f in p.families:
            params.update(self._extra_params(f))
        return params

    @staticmethod
    def _derive(tx: TxRunner, p: Pass, derive: Query, params: dict[str, Any], ids: list[str]) -> list[TagRow]:
        """The pass's tag rows for ``ids``: only those of the families wanted (a fused pass yields more).

        ``derive`` is the pass's statement as :func:`collected` returns it: its rows in one.
        """
        names = {f.name for f in p.families}
        return [{"id": i, "tag": tag, "weight": weight, "confidence": confidence, "evidence": evidence}
                for i, tag, weight, confidence, evidence in tx.run_plain(derive, ids=ids, **params)[0]["rows"]
                if tag.split(":", 1)[0] in names]

    def _cypher_pass(self, p: Pass) -> int:
        """Every subject of the pass, chunk by chunk, one transaction per chunk (derive, then write the differences)."""
        derive = collected(queries.get(p.query_name))
        params = self._pass_params(p)
        sources = {f.name: f"cypher:{p.query_name}" for f in p.families}
        derived = 0
        self.progress.start(p.name, 0)

        def chunk(ids: list[str]) -> tuple[int, Counter[str]]:
            def work(tx: TxRunner) -> tuple[int, Counter[str]]:
                rows = self._derive(tx, p, derive, params, ids)
                return len(rows), write_tags(tx, p.families, ids, rows, self.now, sources)

            return self.db.write_tx(work)

        for n, (count, writes) in enumerate(self.each_chunk(p.families[0].applies_to, chunk), start=1):
            derived += count
            self.result.tag_writes.update(writes)
            self.progress.advance(p.name, n)
        self.progress.end(p.name)
        return derived

    # ------------------------------------------------------------------ algorithm families
    def _algorithm_family(self, f: TagFamily) -> int:
        rows = ALGORITHM_FAMILIES[f.algorithm or ""](AlgorithmRun(self.db, self.engine, self.now, self.result.warnings))
        sources = {f.name: f"algorithm:{f.algorithm}:{self.engine}"}
        by_id: dict[str, list[TagRow]] = {}
        for r in rows:
            by_id.setdefault(r["id"], []).append(r)

        def chunk(ids: list[str]) -> Counter[str]:
            mine = [r for i in ids for r in by_id.get(i, [])]
            return self.db.write_tx(lambda tx: write_tags(tx, [f], ids, mine, self.now, sources))

        for writes in self.each_chunk(f.applies_to, chunk):
            self.result.tag_writes.update(writes)
        return len(rows)


#: The code of the families' extra parameters (measures of the whole population such as the RFM cuts).
_EXTRA_SOURCE = inspect.getsource(Refresher._extra_params)


def replace_family_tags(db: Database, family_name: str, ids: list[str], rows: list[TagRow], now: str,
                        source: str) -> int:
    """Make one family's tags on ``ids`` what ``rows`` say, in one transaction (after an erasure or unlink)."""
    f = family(family_name)
    db.write_tx(lambda tx: write_tags(tx, [f], ids, rows, now, {f.name: source}))
    return len(rows)


def rehearse_incremental(db: Database, customer_id: str) -> RefreshResult:
    """Run one customer's incremental refresh, every statement as ``recordEvents`` runs it, and roll
    it back: nothing changes, and Neo4j has planned and cached each statement (a server just started
    or restarted plans each one the first time, which takes seconds on a cold server)."""
    refresher = Refresher(db, rehearse=True)
    return refresher.run(None, [customer_id])


def refresh(db: Database, *, only: Iterable[str] | None = None, customers: Sequence[str] | None = None,
            engine: str = "auto", as_of: str | None = None, progress: Progress | None = None,
            force: bool = False) -> RefreshResult:
    """Refresh every tag family (or ``only`` some), for everyone (or just ``customers``).

    A refresh of everyone skips the passes and algorithms whose inputs did not change since their
    last successful run, unless ``force`` (:mod:`ckg.graph.tags.fingerprint`). It holds the graph's
    full-refresh lock, so two of them (the CLI and an API job, or two API workers) never run at
    once; a second one raises :class:`LockBusy`.

    The portraits' version moves (:mod:`ckg.graph.changes`) when the refresh may have changed a
    portrait: a stage or the consent sweep ran (also when it then failed) or history was pruned;
    a refresh that skipped everything, or was refused the lock, leaves every API cache valid.
    """
    refresher = Refresher(db, engine=engine, as_of=as_of, progress=progress, force=force)
    try:
        if customers is not None:
            return refresher.run(only, customers)
        with locks.hold(db, locks.FULL_REFRESH, locks.holder_name("refresh")):
            return refresher.run(only, None)
    finally:  # API caches and subscriptions see what changed (graph.changes)
        written: int = sum(refresher.result.tag_writes.values())
        if refresher.touched or written > 0:
            if not refresher.versions_moved:
                changes.portraits_changed(db, customers)
            refresher.result.portraits_moved = True
