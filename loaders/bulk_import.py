"""The bulk first load: validate into import CSVs, then ``neo4j-admin database import full``.

Steps (:func:`bulk_load`): validate every row (:class:`~ckg.loaders.import_files.ImportWriter`, the
online load's rules, rejections and quarantine), stop the local server, import, start it again,
apply the schema and wait for its indexes, derive each customer's ``allowedUses`` from their
consents (the one rule in ``cypher/consent/update_allowed_uses.cypher``) and keep the load report
as ``(:Load)`` nodes.

Only an empty database is replaced. A marker file in the instance directory says an import is
under way from the moment the server stops until the load is complete; a load killed in between
(kill -9 included) leaves the marker, and the next ``ckg load`` imports again from scratch
(``--overwrite-destination``), so a re-run always ends with exactly the dataset's counts.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ckg.graph.db import Database
from ckg.graph.errors import InputError
from ckg.graph.quality import record_load
from ckg.graph.queries import queries
from ckg.graph.schema import apply_schema
from ckg.graph.settings import Settings
from ckg.loaders.import_files import ImportWriter
from ckg.loaders.load import LoadReport

MARKER = "bulk-import-in-progress.json"
#: Seconds to wait for the server to answer after a start (a just-imported store opens slowly on a
#: busy host).
START_TIMEOUT = 900.0
#: Customers per transaction when deriving allowedUses after the import.
CONSENT_BATCH = 20_000


class LocalServer(Protocol):
    """The local Neo4j a bulk load stops, imports into and starts again.

    The loader does not run servers itself (``ckg.server`` is below the CLI, not below the loaders):
    the command line hands it an adapter over :mod:`ckg.server.launcher` (``cli.data_commands``).
    """

    @property
    def directory(self) -> Path:
        """The instance's own directory (data, logs, and the import marker)."""
        ...

    def has_import_tool(self) -> bool: ...

    def serves(self, bolt_port: int) -> bool:
        """Whether the instance is running and configured on ``bolt_port``."""
        ...

    def start(self, timeout: float) -> None: ...

    def stop(self) -> None: ...

    def import_full(self, database: str, arguments: list[str]) -> None: ...


@dataclass
class ImportTimings:
    """Seconds per step, for the load report and the benchmark."""

    steps: dict[str, float] = field(default_factory=dict)
    entities: int = 0  # nodes and relationships written to the import files


def marker_path(inst: LocalServer) -> Path:
    return inst.directory / MARKER


def interrupted(inst: LocalServer) -> bool:
    """Whether a bulk import into this instance was started and never finished."""
    return marker_path(inst).exists()


def manages(settings: Settings, inst: LocalServer) -> bool:
    """Whether ``settings`` point at the local instance ``inst`` that ckg runs (or an interrupted import
    left stopped): only that server can be stopped and imported into."""
    if not settings.is_local:
        return False
    if interrupted(inst):
        return True
    return inst.serves(settings.bolt_port)


def database_is_empty(db: Database) -> bool:
    return int(db.read(queries.admin.count_nodes)[0]["n"]) == 0


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def bulk_load(settings: Settings, inst: LocalServer, directory: Path, *, timings: ImportTimings | None = None,
              work_dir: Path | None = None, **options: Any) -> LoadReport:
    """Load ``directory`` into the empty database of the local instance ``inst`` through the import tool.

    Raises :class:`InputError` when the database holds data (and no interrupted import left it so).
    ``options`` are the :class:`~ckg.loaders.load.Loader` options (max_rejects, quarantine, progress).
    """
    timings = timings if timings is not None else ImportTimings()
    if not inst.has_import_tool():
        raise InputError("the local Neo4j has no import tool (neo4j-import-tool): run `ckg db assemble` again")
    resume = interrupted(inst)
    if not resume:
        inst.start(START_TIMEOUT)
        with Database(settings) as db:
            if not database_is_empty(db):
                raise InputError("the database already holds data: a bulk import replaces a database, so it "
                                 "only loads into an empty one. Use --mode online to add to it.")
    for stale in inst.directory.glob("ckg-import-*"):  # left by a load killed before it could clean up
        shutil.rmtree(stale, ignore_errors=True)
    work = work_dir or Path(tempfile.mkdtemp(prefix="ckg-import-", dir=inst.directory))
    try:
        started = time.perf_counter()
        writer = ImportWriter(directory, work, **options)
        report = writer.run()
        timings.steps["validate"] = time.perf_counter() - started
        timings.entities = writer.out.entities
        if not timings.entities and not resume:
            return report  # nothing valid to import: the database stays as it was (empty)
        # From here on the database is being replaced: a re-run after a crash imports again.
        marker_path(inst).write_text(json.dumps({"dataset": str(directory.resolve()), "at": time.time()}))
        step = time.perf_counter()
        inst.stop()
        timings.steps["stop"] = time.perf_counter() - step
        step = time.perf_counter()
        inst.import_full(settings.neo4j_database, writer.out.arguments())
        timings.steps["import"] = time.perf_counter() - step
        step = time.perf_counter()
        inst.start(START_TIMEOUT)
        timings.steps["start"] = time.perf_counter() - step
        with Database(settings) as db:
            step = time.perf_counter()
            apply_schema(db)
            timings.steps["schema"] = time.perf_counter() - step
            step = time.perf_counter()
            customers = writer.keys.get("customers.csv")
            ids = customers.all().to_list() if customers is not None else []
            for chunk in _chunks(ids, CONSENT_BATCH):
                db.write(queries.consent.update_allowed_uses, ids=chunk)
            timings.steps["consents"] = time.perf_counter() - step
            record_load(db, directory.name, {name: vars(stats) for name, stats in report.files.items()},
                        stopped_early=report.stopped_early)
        marker_path(inst).unlink(missing_ok=True)
    finally:
        if work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return report


__all__ = ["ImportTimings", "LocalServer", "bulk_load", "database_is_empty", "interrupted", "manages"]
