"""Fingerprints of a full refresh's inputs, so that work whose inputs did not change is skipped.

A full refresh is made of *units*: each Cypher pass (one derivation file and the families it
yields), each algorithm family, the similar-customers stage, the consent sweep and the data end
(the refresh's default "as of"). Before a unit runs, its fingerprint is computed from:

- **what it reads**: the count (from the count store) of every node label and relationship type
  named in the Cypher it runs (its derivation file and measures; for an algorithm, every statement
  the Python code of that algorithm names), in the catalogue's ``inputs`` of its families, and
  the consent records every tag writer obeys (``Customer``, ``Consent``, ``GAVE``). ckg's own
  outputs (tags, communities, similarity, models, bookkeeping: :data:`OUTPUTS`) are left out, so
  a refresh does not invalidate itself;
- **the loads**: per input file, the ``(:Load)`` records of ``ckg load`` that loaded rows from it
  (how many, the latest) and the ``(:LoadStart)`` records of loads that started on it and never
  finished (a failed or interrupted load writes no report but may have written rows; a later
  load reading the same files unchanged to the end removes them, :mod:`ckg.graph.quality`), for the
  files that write what the unit reads (:func:`load_writes`: the names on the ``MERGE``/``CREATE``
  lines of the file's statement). A load may change properties
  in place (a customer's country, an order's status) without changing any count; a file ckg does
  not know counts for every unit;
- **its parameters**: the "as of", the engine (algorithms), the category map's content (life
  stage), the constants the refresh passes (half-life, weight step, default uses);
- **the code**: a hash of every file of ckg's ``graph`` and ``cypher`` packages (:func:`code_version`:
  the refresh, the tag writers, the algorithms and what they import, every statement, the
  constants), so any new version of ckg's code recomputes every unit once, and of the unit's own
  (its derivation or the algorithm's functions, modules and statements, its families' catalogue
  entries: :func:`code_of`). The community stage reads members' tags, so the fingerprints of the
  Cypher passes are among its parameters.

After the unit succeeded, its fingerprint is stored in ``(:RefreshState {unit})``; before it runs,
the stored one is removed, so a refresh killed in the middle of a unit recomputes it next time;
the outputs' counts are recorded with it, so the next refresh skips the units a cut-off one finished.
A full refresh skips a unit whose fingerprint equals the stored one (``ckg tags refresh --force``
recomputes everything). Reading the fingerprints costs the count store, the ``Load`` records
and the stored states: milliseconds at any size.

What a fingerprint cannot see: a property changed in place by a writer other than ``ckg load``
that leaves every count as it was (a ``SET`` typed in Neo4j Browser, an event re-sent under its
``eventId`` with another time). After such a change, run ``ckg tags refresh --force``.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import ModuleType
from typing import Any

from ckg.graph.counts import graph_counts
from ckg.graph.db import Database
from ckg.graph.events import EVENT_WRITES
from ckg.graph.queries import Query, queries
from ckg.graph.tags.catalogue import TagFamily

#: Labels and relationship types a refresh writes, or ckg's bookkeeping: never an input. A unit
#: that reads its own output (Louvain seeds from the previous communities) finds the same output
#: again when its real inputs are unchanged.
OUTPUTS = frozenset({
    "HAS_TAG", "HAD_TAG", "Tag", "MEMBER_OF", "Community", "IdSequence", "SIMILAR_TO", "SAME_PERSON_AS",
    "Model", "RefreshState", "ChangeCounter", "Lock", "Job", "Load", "LoadStart", "AuditEntry", "ApiToken", "Segment",
    "IN_SEGMENT", "Suppressed",
})
#: What a full refresh writes and keeps, recorded after each unit and at its end, and compared at
#: the next one's start:
#: the skip rests on the outputs being those it left. Tags may grow in between (an incremental
#: refresh after ``recordEvents`` adds and ends versions, never fewer of them), but fewer tags or
#: versions, or any change of communities, similarity or identity links made outside a full
#: refresh (deleted by hand, an erasure), makes every unit run.
TAG_OUTPUTS = ("HAS_TAG", "HAD_TAG")
STRUCTURE_OUTPUTS = ("MEMBER_OF", "Community", "SIMILAR_TO", "SAME_PERSON_AS")
OUTPUT_UNIT = "outputs"
#: What every tag writer reads besides the derivation: the consents deciding what may be held.
CONSENT_READS = frozenset({"Customer", "Consent", "GAVE"})
#: Words of Cypher itself (``CONTAINS`` is also a relationship type of the model, so it stays).
_KEYWORDS = frozenset("""
    ALL AND ANY AS ASC ASCENDING BY CALL CASE COLLECT COUNT CREATE DELETE DESC DESCENDING DETACH DISTINCT ELSE
    END ENDS EXISTS FALSE FOREACH IN IS LIMIT MATCH MERGE NONE NOT NULL OF ON OPTIONAL OR ORDER REMOVE RETURN
    ROWS SET SKIP STARTS THEN TRANSACTIONS TRUE UNION UNWIND USE WHEN WHERE WITH XOR YIELD
""".split())
_NAME = re.compile(r"\b[A-Z][A-Za-z0-9_]*\b")
_COMMENT = re.compile(r"^\s*//.*$", re.M)
_WRITES = re.compile(r"\b(MERGE|CREATE)\b")
#: The input file of the behaviour events (``ckg load``), written by the statements of EVENT_WRITES.
EVENTS_FILE = "events.jsonl"
_QUERY_REF = re.compile(r"\bqueries\.([a-z_]+)\.([a-z_0-9]+)\b")
#: The code every unit may run, hashed whole (:func:`code_version`): every file of these packages
#: of the installed ckg (the refresh, tag writers, algorithms, ranking, constants, statements).
CODE_PACKAGES = ("ckg.graph", "ckg.cypher")


def names_in(text: str) -> frozenset[str]:
    """The labels and relationship types a Cypher statement names (and other capitalised words:
    an extra name only adds a count that is 0 or constant, a missing one would miss a change)."""
    return frozenset(_NAME.findall(_COMMENT.sub("", text))) - _KEYWORDS


def query_reads(*statements: Query) -> frozenset[str]:
    """What these statements read, outputs left out."""
    found: set[str] = set()
    for q in statements:
        found |= names_in(q.text)
    return frozenset(found - OUTPUTS)


Source = ModuleType | type | Callable[..., Any]


def source_statements(*sources: Source) -> list[Query]:
    """The statements named (``queries.area.name``) in the source of these modules, classes or functions."""
    named = {f"{area}/{name}" for s in sources for area, name in _QUERY_REF.findall(inspect.getsource(s))}
    return [queries.get(n) for n in sorted(named)]


def source_names(*sources: Source) -> frozenset[str]:
    """Every name (inputs and outputs) the statements of these sources mention."""
    found: set[str] = set()
    for q in source_statements(*sources):
        found |= names_in(q.text)
    return frozenset(found)


def source_reads(*sources: Source) -> frozenset[str]:
    """What the statements named in these sources read, outputs left out."""
    return query_reads(*source_statements(*sources))


def family_reads(families: Iterable[TagFamily]) -> frozenset[str]:
    """The catalogue's declared inputs (``Order.totalUsd`` -> ``Order``)."""
    return frozenset(i.split(".", 1)[0] for f in families for i in f.inputs) - OUTPUTS


def written_names(statement: Query) -> frozenset[str]:
    """The labels and relationship types a load statement writes: the names on its MERGE and CREATE
    lines (its SETs change nodes and relationships bound there; tests/unit/test_refresh_fingerprint.py
    holds every load statement to that)."""
    found: set[str] = set()
    for line in _COMMENT.sub("", statement.text).splitlines():
        if _WRITES.search(line):
            found |= names_in(line)
    return frozenset(found)


@cache
def load_writes() -> dict[str, frozenset[str]]:
    """What ``ckg load`` writes per input file: ``NAME.csv`` through ``load/merge_NAME``, the events
    file through the event statements."""
    found = {q.name.split("/", 1)[1].removeprefix("merge_") + ".csv": written_names(q)
             for q in queries.load if q.name.startswith("load/merge_")}
    found[EVENTS_FILE] = frozenset().union(*(written_names(q) for q in EVENT_WRITES.values()))
    return found


def code_files(root: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    """Every file under ``root`` (a package's directory, also inside a wheel), with its path under
    ``prefix``; compiled files (``__pycache__``, ``.pyc``) left out."""
    for item in root.iterdir():
        path = f"{prefix}/{item.name}"
        if item.is_dir():
            if item.name != "__pycache__":
                yield from code_files(item, path)
        elif not item.name.endswith((".pyc", ".pyo")):
            yield path, item


def tree_digest(roots: Iterable[tuple[str, Traversable]]) -> str:
    """A hash of the names and contents of every file under these (prefix, directory) roots."""
    digest = hashlib.sha256()
    for path, item in sorted(f for prefix, root in roots for f in code_files(root, prefix)):
        digest.update(path.encode() + b"\0")
        digest.update(item.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


@cache
def code_version() -> str:
    """A hash of all of ckg's graph and Cypher code (:data:`CODE_PACKAGES`), read once per process."""
    return tree_digest((package, files(package)) for package in CODE_PACKAGES)


def algorithm_modules(*sources: Source) -> list[ModuleType]:
    """The modules of ``ckg.graph.algorithms`` these sources use, and the ones those use in turn."""
    found: dict[str, ModuleType] = {}
    todo = list(sources)
    while todo:
        item = todo.pop()
        names = vars(item) if isinstance(item, ModuleType) else inspect.getclosurevars(item).globals \
            if callable(item) and not isinstance(item, type) else {}
        if isinstance(item, ModuleType):
            found.setdefault(item.__name__, item)
        for value in names.values():  # a module, or a function or class imported from one
            module = value if isinstance(value, ModuleType) else inspect.getmodule(value)
            if module is not None and module.__name__.startswith("ckg.graph.algorithms") \
                    and module.__name__ not in found and module not in todo:
                todo.append(module)
    return [found[n] for n in sorted(found)]


def code_of(*parts: Source | Query | str) -> str:
    """A hash of a unit's own code: sources (their text), statements (their text, includes expanded)
    and other text (a catalogue entry's repr)."""
    digest = hashlib.sha256()
    for part in parts:
        text = part.text if isinstance(part, Query) else part if isinstance(part, str) else inspect.getsource(part)
        digest.update(text.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def file_digest(path: Path | None) -> str:
    """The content hash of an optional configuration file ("none" when unset, "missing" when absent)."""
    if path is None:
        return "none"
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"


def read_counts(db: Database) -> dict[str, int]:
    """Every label's and relationship type's count (the count store), in one map."""
    counts = graph_counts(db)
    return {**counts["nodes"], **counts["relationships"]}


@dataclass(frozen=True)
class Unit:
    """One piece of a full refresh that runs, or is skipped, as a whole."""

    name: str
    reads: frozenset[str]
    params: dict[str, Any] = field(default_factory=dict)
    #: The hash of the unit's own code (:func:`code_of`).
    code: str = ""


@dataclass(frozen=True)
class Stored:
    fingerprint: str | None
    value: str | None
    inputs: str | None  # the components as JSON, to say what changed


@dataclass
class GraphState:
    """What the fingerprints are computed from, read once at the start of a full refresh."""

    counts: dict[str, int]
    loads: dict[str, dict[str, Any]]  # input file -> {loads, latest}
    stored: dict[str, Stored]

    @classmethod
    def read(cls, db: Database) -> GraphState:
        loads = {r["file"]: {"loads": int(r["loads"]), "unfinished": int(r["unfinished"]), "latest": r["latest"]}
                 for r in db.read(queries.tags.list_load_markers)}
        stored = {r["unit"]: Stored(r["fingerprint"], r["value"], r["inputs"])
                  for r in db.read(queries.tags.list_refresh_states)}
        return cls(read_counts(db), loads, stored)

    def outputs(self) -> str:
        """The refresh's outputs in this state, as JSON (stored by :data:`OUTPUT_UNIT`)."""
        return json.dumps({n: self.counts.get(n, 0) for n in (*TAG_OUTPUTS, "Tag", *STRUCTURE_OUTPUTS)},
                          sort_keys=True)

    def outputs_changed(self, owners: Mapping[str, str] | None = None) -> bool:
        """Whether the outputs lost something, or their structure changed, since the last record.

        ``owners`` names the unit that writes each structure output: a change of an output whose
        unit is not current (a refresh was cut off inside it) is that unit's own, and it runs anyway.
        """
        known = self.stored.get(OUTPUT_UNIT)
        if known is None or not known.inputs:
            return True
        before, now = json.loads(known.inputs), json.loads(self.outputs())
        owners = owners or {}

        def watched(name: str) -> bool:
            unit = self.stored.get(owners.get(name, ""))
            return name not in owners or (unit is not None and unit.fingerprint is not None)

        return (sum(now[n] for n in TAG_OUTPUTS) < sum(before.get(n, 0) for n in TAG_OUTPUTS)
                or now["Tag"] < before.get("Tag", 0)
                or any(now[n] != before.get(n, 0) for n in STRUCTURE_OUTPUTS if watched(n)))

    def components(self, unit: Unit) -> dict[str, Any]:
        """Everything the unit's result depends on, as a JSON-able map."""
        writes = load_writes()
        loads = {f: m for f, m in self.loads.items() if f not in writes or writes[f] & unit.reads}
        return {"code": [code_version(), unit.code], "loads": loads, "params": unit.params,
                "counts": {n: self.counts.get(n, 0) for n in sorted(unit.reads)}}

    def inputs(self, unit: Unit) -> str:
        """The components as canonical JSON (stored with the fingerprint)."""
        return json.dumps(self.components(unit), sort_keys=True, default=str)

    def fingerprint(self, unit: Unit) -> str:
        return hashlib.sha256(self.inputs(unit).encode()).hexdigest()

    def unchanged(self, unit: Unit) -> bool:
        """Whether the unit's inputs are those of its last successful run."""
        known = self.stored.get(unit.name)
        return known is not None and known.fingerprint == self.fingerprint(unit)

    def stored_value(self, unit: Unit) -> str | None:
        """The value kept with the unit's last run (the data end), when its inputs are unchanged."""
        return self.stored[unit.name].value if self.unchanged(unit) else None

    def what_changed(self, unit: Unit) -> str:
        """Why the unit runs, in a few words: what differs from its last successful run."""
        known = self.stored.get(unit.name)
        if known is None or known.fingerprint is None or not known.inputs:
            # forgotten: a run of it did not finish, or tags were written as of a time of the caller's
            return "no earlier run" if known is None else "not known to be current"
        before, now = json.loads(known.inputs), json.loads(self.inputs(unit))
        said = [k for k in ("code", "loads", "params") if before.get(k) != now.get(k)]
        said = [{"code": "new code", "loads": "loaded data", "params": "parameters"}[k] for k in said]
        old, new = before.get("counts", {}), now.get("counts", {})
        moved = [f"{n} {old.get(n, 0)}->{new.get(n, 0)}" for n in sorted(set(old) | set(new))
                 if old.get(n, 0) != new.get(n, 0)]
        if moved:
            said.append(", ".join(moved[:4]) + (f" (+{len(moved) - 4} more)" if len(moved) > 4 else ""))
        return "; ".join(said) or "inputs changed"
