"""The data-quality report: each check has a value, a threshold and a status (ok, warn, fail).

Checks: completeness of customer and product fields, rejected rows per file of the latest load
(from the ``(:Load)`` nodes ``ckg load`` writes), loads that started and never finished (``(:LoadStart)``
nodes a failed or interrupted load leaves), duplicate suspects (records sharing an e-mail or a
phone that identity resolution did not link), stale customers (no order or event in N days before
the newest data), orphan nodes, consent coverage, and tag coverage per dimension. Everything is a
count or a share: no personal value and no sensitive tag (not even as a count) is in the report, so
every role may read it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ckg.graph.db import Database
from ckg.graph.queries import queries
from ckg.graph.tags.refresh import data_end

OK, WARN, FAIL = "ok", "warn", "fail"
#: Default window of the stale-customer check.
STALE_DAYS = 180


@dataclass(frozen=True)
class Threshold:
    """``ok`` and ``warn`` limits; with ``higher_is_better`` a value must reach them, else stay under them."""

    ok: float
    warn: float
    higher_is_better: bool

    def status(self, value: float) -> str:
        if self.higher_is_better:
            return OK if value >= self.ok else WARN if value >= self.warn else FAIL
        return OK if value <= self.ok else WARN if value <= self.warn else FAIL

    def describe(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        return f"ok {sign} {self.ok:g}, warn {sign} {self.warn:g}"


#: One table of thresholds: a reader of the report can find why a status is what it is.
THRESHOLDS: dict[str, Threshold] = {
    "completeness": Threshold(0.95, 0.80, True),   # share of records with the field filled in
    "rejected": Threshold(0.01, 0.05, False),      # share of a file's rows rejected by the latest load
    "loads": Threshold(0.0, 1.0, False),           # share of loads that started and never finished
    "duplicates": Threshold(0.0, 0.01, False),     # share of customers sharing e-mail/phone, not linked
    "stale": Threshold(0.50, 0.75, False),         # share of customers with no activity in N days
    "orphans": Threshold(0.0, 0.01, False),        # share of nodes with no relationship
    "consent": Threshold(0.90, 0.50, True),        # share of customers with a recorded consent decision
    "tags": Threshold(0.50, 0.20, True),           # share of customers with a tag in the dimension
}


@dataclass(frozen=True)
class Check:
    area: str
    name: str
    value: float
    count: int
    total: int
    threshold: str
    status: str
    detail: str


def _share(area: str, name: str, count: int, total: int, detail: str) -> Check:
    rule = THRESHOLDS[area]
    value = count / total if total else (1.0 if rule.higher_is_better else 0.0)
    return Check(area, name, round(value, 4), count, total, rule.describe(), rule.status(value), detail)


@dataclass(frozen=True)
class LoadFile:
    load_id: str
    at: str
    source: str
    file: str
    read: int
    loaded: int
    rejected: int
    suppressed: int
    skipped: str
    stopped_early: bool


@dataclass(frozen=True)
class QualityReport:
    checks: list[Check]
    loads: list[LoadFile]
    as_of: str
    stale_days: int

    @property
    def status(self) -> str:
        statuses = {c.status for c in self.checks}
        return FAIL if FAIL in statuses else WARN if WARN in statuses else OK


def record_load(db: Database, source: str, files: Mapping[str, Mapping[str, Any]], stopped_early: bool = False,
                at: datetime | None = None) -> str:
    """Keep a load report in the graph: one ``(:Load)`` node per file with its counts. Returns the load id."""
    load_id = f"load-{uuid.uuid4().hex[:12]}"
    rows = [{"file": name, "read": int(s.get("read", 0)), "loaded": int(s.get("loaded", 0)),
             "rejected": int(s.get("rejected", 0)), "suppressed": int(s.get("suppressed", 0)),
             "skipped": str(s.get("skipped", ""))} for name, s in files.items()]
    db.write(queries.quality.record_load, loadId=load_id, at=(at or datetime.now(UTC)).isoformat(), source=source,
             files=rows, stoppedEarly=stopped_early)
    return load_id


def start_load(db: Database, source: str, files: Sequence[str], at: datetime | None = None,
               versions: Sequence[str] = ()) -> str:
    """Record that a load is about to write rows from ``files`` (a ``(:LoadStart)`` node), before its
    first batch: a load that fails or is interrupted leaves it, so the refresh's fingerprints see
    that these files' rows may have changed. :func:`end_load_start` removes it once the load's
    report is kept. ``versions``: one string per file naming its content as read (see
    :func:`file_version`). Returns the start's id."""
    load_id = f"start-{uuid.uuid4().hex[:12]}"
    db.write(queries.quality.record_load_start, loadId=load_id, at=(at or datetime.now(UTC)).isoformat(),
             source=source, files=list(files), versions=list(versions))
    return load_id


def file_version(path: Path) -> str:
    """A file's content as a load read it: resolved path, size and modification time."""
    stat = path.stat()
    return f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"


def end_load_start(db: Database, load_id: str, supersede: bool = True) -> None:
    """The load that :func:`start_load` recorded ended and its report is kept: remove the start.
    ``supersede`` (the load read every file to its end, it did not stop early): also remove the starts
    of earlier unfinished loads whose every file version it read again."""
    db.write(queries.quality.remove_load_start, loadId=load_id, supersede=supersede)


def recent_loads(db: Database, loads: int = 5) -> list[LoadFile]:
    return [LoadFile(load_id=r["loadId"], at=r["at"], source=r["source"], file=r["file"], read=r["read"],
                     loaded=r["loaded"], rejected=r["rejected"], suppressed=r["suppressed"], skipped=r["skipped"] or "",
                     stopped_early=bool(r["stoppedEarly"]))
            for r in db.read(queries.quality.list_loads, loads=loads)]


def data_quality(db: Database, stale_days: int = STALE_DAYS, loads: int = 5) -> QualityReport:
    """Run every check; see the module docstring and :data:`THRESHOLDS`."""
    if stale_days < 1:
        raise ValueError("stale_days must be at least 1")
    checks: list[Check] = []
    c = db.read(queries.quality.customer_completeness)[0]
    for field in ("email", "phone", "country", "city", "language", "birthYear", "gender", "registeredAt"):
        checks.append(_share("completeness", f"Customer.{field}", c[field], c["total"],
                             f"{c[field]} of {c['total']} customers have {field}"))
    p = db.read(queries.quality.product_completeness)[0]
    for field in ("price", "category", "brand"):
        checks.append(_share("completeness", f"Product.{field}", p[field], p["total"],
                             f"{p[field]} of {p['total']} products have a {field}"))

    history = recent_loads(db, loads)
    latest = [f for f in history if history and f.load_id == history[0].load_id and not f.skipped]
    for f in latest:
        checks.append(_share("rejected", f"{f.source}/{f.file}", f.rejected, f.read,
                             f"latest load {f.load_id} ({f.at}): {f.rejected} of {f.read} rows rejected, "
                             f"{f.suppressed} suppressed"))
    if not history:
        checks.append(Check("rejected", "loads", 0.0, 0, 0, THRESHOLDS["rejected"].describe(), WARN,
                            "no load recorded in the graph yet (ckg load writes one)"))

    unfinished = db.read(queries.quality.list_unfinished_loads)
    if unfinished:
        last = unfinished[0]
        checks.append(_share("loads", "Unfinished loads", len(unfinished), len(unfinished) + int(last["finished"]),
                             f"{len(unfinished)} load(s) started and never finished (failed or interrupted), the "
                             f"latest {last['loadId']} of {last['source']} at {last['at']} "
                             f"({', '.join(last['files'])}): part of their rows may be missing until "
                             "`ckg load` runs on that dataset again (loading is idempotent)"))

    d = db.read(queries.quality.duplicate_suspects)[0]
    checks.append(_share("duplicates", "Customer duplicate suspects", d["suspects"], d["total"],
                         f"{d['suspects']} records share an e-mail or phone with another record and are not linked; "
                         f"identity resolution linked {d['linked']} records"))

    as_of = data_end(db)
    s = db.read(queries.quality.stale_customers, asOf=as_of, days=stale_days)[0]
    checks.append(_share("stale", f"Customer no activity in {stale_days} days", s["stale"], s["total"],
                         f"{s['stale']} of {s['total']} customers have no order or event in the {stale_days} days "
                         f"before {as_of}"))

    total_nodes = int(db.read(queries.quality.count_nodes)[0]["total"])
    orphans = db.read(queries.quality.orphan_nodes)
    n_orphans = sum(int(r["orphans"]) for r in orphans)
    by_label = ", ".join(f"{r['label']} {r['orphans']}" for r in orphans) or "none"
    checks.append(_share("orphans", "Nodes without relationships", n_orphans, total_nodes, f"by label: {by_label}"))

    k = db.read(queries.quality.consent_coverage)[0]
    checks.append(_share("consent", "Customer consent recorded", k["recorded"], k["total"],
                         f"{k['recorded']} of {k['total']} customers have a consent decision; "
                         f"{k['marketing']} allow marketing"))

    for t in db.read(queries.quality.tag_coverage):
        checks.append(_share("tags", f"dimension {t['dimension']}", t["covered"], t["total"],
                             f"{t['covered']} of {t['total']} customers hold a tag of {t['dimension']}"))
    return QualityReport(checks=checks, loads=history, as_of=as_of, stale_days=stale_days)
