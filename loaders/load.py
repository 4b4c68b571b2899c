"""Load a dataset directory: parse -> validate -> report -> write, file by file in dependency order.

Good rows are written in ``UNWIND $rows ... MERGE`` batches, one managed transaction each, so
loading twice changes nothing and a load killed part-way can simply be run again. Bad rows are
reported with file, line, field, value and reason, and written to a quarantine file.
Parsing (this thread) and writing (one writer thread) overlap: while Neo4j commits a batch,
Python parses the next one.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ckg.graph.changes import portraits_changed
from ckg.graph.consent import apply_consents
from ckg.graph.db import Database, TxRunner
from ckg.graph.errors import InputError
from ckg.graph.events import EVENT_WRITES
from ckg.graph.progress import NoProgress, Progress
from ckg.graph.quality import end_load_start, file_version, record_load, start_load
from ckg.graph.queries import queries
from ckg.graph.suppression import Suppression
from ckg.loaders.errors import RowError, shorten
from ckg.loaders.readers import CsvReader, JsonLinesReader, Record
from ckg.loaders.rows import Row
from ckg.loaders.seen_keys import SeenKeys
from ckg.loaders.spec import LOAD_ORDER, SPECS, FileSpec

DEFAULT_BATCH = 10_000


class LoadStopped(Exception):
    """Raised inside the loader when ``--max-rejects`` is exceeded."""


@dataclass
class FileStats:
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    suppressed: int = 0  # rows naming an erased person: skipped, not quarantined
    write_seconds: float = 0.0  # time spent in write transactions
    skipped: str = ""  # why the file was not loaded at all


@dataclass
class LoadReport:
    """What happened, per file; ``errors`` keeps the first few for printing."""

    files: dict[str, FileStats] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[RowError] = field(default_factory=list)
    stopped_early: bool = False
    quarantine: Path | None = None
    keep_errors: int = 50

    @property
    def rejected(self) -> int:
        return sum(s.rejected for s in self.files.values())

    @property
    def loaded(self) -> int:
        return sum(s.loaded for s in self.files.values())

    @property
    def suppressed(self) -> int:
        return sum(s.suppressed for s in self.files.values())

    @property
    def ok(self) -> bool:
        return self.rejected == 0 and not self.file_errors and not self.stopped_early


def validation_errors(exc: ValidationError, file: str, line: int, values: dict[str, Any]) -> RowError:
    """The first problem pydantic found, as a :class:`RowError` naming the field."""
    first = exc.errors()[0]
    loc = [str(p) for p in first["loc"]]
    name = loc[0] if loc else ""
    raw = values.get(name, "") if name else ""
    reason = first["msg"].removeprefix("Value error, ")
    if first["type"] == "missing":
        reason = "missing required value"
    elif name and isinstance(raw, str) and raw.strip() == "":
        reason = "empty required value"
    return RowError(file, line, name, shorten(raw), reason)


class Quarantine:
    """Rejected rows as JSON Lines: the error plus the raw values, to fix and re-load."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._fh: Any = None
        self._lock = threading.Lock()

    def add(self, error: RowError, raw: dict[str, Any] | str | None) -> None:
        if self.path is None:
            return
        with self._lock:
            if self._fh is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fh = open(self.path, "w", encoding="utf-8")
            record = {**error.as_dict(), "raw": raw}
            self._fh.write(json.dumps(record, ensure_ascii=False, default=str,
                                      ).encode("utf-8", "backslashreplace").decode("utf-8") + "\n")

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


@dataclass
class _Batch:
    spec: FileSpec
    items: list[tuple[int, Row, dict[str, Any]]]


def _dangling(spec: FileSpec, line: int, field: str, value: Any) -> RowError:
    target = next(ref.target for ref in spec.refs if ref.field == field)
    return RowError(spec.name, line, field, shorten(value),
                    f"refers to a missing entity: no {field} {value!r} in {target} or the graph")


def _people_fields(spec: FileSpec) -> list[str]:
    """The columns of a file that name a customer: a row naming an erased one is suppressed."""
    own = [spec.key[0]] if spec.name == "customers.csv" else []
    return own + [ref.field for ref in spec.refs if ref.target == "customers.csv"]


class Loader:
    """Loads one dataset directory into the database."""

    def __init__(self, db: Database | None, directory: Path, *, batch_size: int = DEFAULT_BATCH,
                 max_rejects: int | None = None, quarantine: Path | None = None,
                 progress: Progress | None = None, only: list[str] | None = None) -> None:
        if not directory.exists():
            raise InputError(f"dataset directory {directory} does not exist")
        if not directory.is_dir():
            raise InputError(f"{directory} is not a directory")
        if batch_size < 1:
            raise InputError("--batch-size must be at least 1")
        self.db = db
        self._suppression = Suppression(db) if db is not None else None
        self._suppressed_ids: dict[str, set[str]] = {}  # file -> keys of rows suppressed in this load
        self.dir = directory
        self.batch_size = batch_size
        self.max_rejects = max_rejects
        self.progress = progress or NoProgress()
        self.only = only
        self.report = LoadReport(quarantine=quarantine)
        self.quarantine = Quarantine(quarantine)
        self._lock = threading.Lock()
        #: Dry run (``db`` is None, ``ckg validate``): ids seen per file, for reference checks.
        self._ids: dict[str, set[Any]] = {}

    # ------------------------------------------------------------------ reporting
    def _reject(self, error: RowError, raw: dict[str, Any] | str | None) -> None:
        with self._lock:
            stats = self.report.files.setdefault(error.file, FileStats())
            stats.rejected += 1
            if len(self.report.errors) < self.report.keep_errors:
                self.report.errors.append(error)
        self.quarantine.add(error, raw)

    def _over_limit(self) -> bool:
        return self.max_rejects is not None and self.report.rejected > self.max_rejects

    # ------------------------------------------------------------------ run
    def run(self) -> LoadReport:
        present = [n for n in LOAD_ORDER if (self.dir / n).exists() and (not self.only or n in self.only)]
        unknown = sorted(p.name for p in self.dir.iterdir()
                         if p.is_file() and p.name not in SPECS and p.suffix in (".csv", ".jsonl"))
        for name in unknown:
            self.report.warnings.append(f"{name}: not a ckg input file, ignored")
        if not present:
            raise InputError(f"{self.dir} holds none of the input files ({', '.join(LOAD_ORDER[:3])}, ...)")
        for name in LOAD_ORDER:
            if name not in present and (not self.only or name in self.only):
                self.report.files[name] = FileStats(skipped="not in dataset")
        # Before the first batch: a load that fails or is interrupted leaves this record (and no
        # report), so the next full refresh knows these files' rows may have changed.
        started = (start_load(self.db, self.dir.name, present, versions=[file_version(self.dir / n) for n in present])
                   if self.db is not None else None)
        work: queue.Queue[_Batch | None] = queue.Queue(maxsize=2)
        failure: list[BaseException] = []
        writer = threading.Thread(target=self._writer, args=(work, failure), daemon=True)
        writer.start()
        try:
            for name in present:
                if failure:
                    break
                self._read_file(SPECS[name], work)
                if self._over_limit():
                    self.report.stopped_early = True
                    break
        finally:
            work.put(None)
            writer.join()
            self.quarantine.close()
        if failure:
            raise failure[0]
        if self.db is not None:
            # The report stays in the graph as (:Load) nodes: the data-quality report reads them.
            record_load(self.db, self.dir.name, {name: vars(stats) for name, stats in self.report.files.items()},
                        stopped_early=self.report.stopped_early)
            if started is not None:  # a load that stopped early did not read its files to the end
                end_load_start(self.db, started, supersede=not self.report.stopped_early)
        return self.report

    def _writer(self, work: queue.Queue[_Batch | None], failure: list[BaseException]) -> None:
        while (batch := work.get()) is not None:
            if failure:
                continue  # drain so the reader never blocks
            try:
                self._write(batch)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the reading thread
                failure.append(exc)

    def _read_file(self, spec: FileSpec, work: queue.Queue[_Batch | None]) -> None:
        path = self.dir / spec.name
        stats = self.report.files.setdefault(spec.name, FileStats())
        reader: CsvReader | JsonLinesReader = CsvReader(path) if spec.is_csv else JsonLinesReader(path)
        self.progress.start(spec.name, path.stat().st_size)
        try:
            if not self._header_ok(spec, reader, stats):
                return
            seen = SeenKeys()
            items: list[tuple[int, Row, dict[str, Any]]] = []
            try:
                for n, item in enumerate(self._validated(spec, reader), start=1):
                    if n % 2000 == 0:
                        self.progress.advance(spec.name, reader.bytes_read())
                    if item is None:
                        if self._over_limit():
                            break
                        continue
                    items.append(item)
                    if len(items) >= self.batch_size:
                        self._submit(spec, items, seen, work)
                        items = []
                if items:
                    self._submit(spec, items, seen, work)
            finally:
                seen.close()
        finally:
            reader.close()
            self.progress.end(spec.name)

    def _header_ok(self, spec: FileSpec, reader: CsvReader | JsonLinesReader, stats: FileStats) -> bool:
        """Check the header (CSV): a file missing a required column, or naming one twice, is rejected."""
        if reader.header_error:
            self._file_error(stats, reader.header_error)
            return False
        if reader.header is not None:
            missing = [c for c in spec.required_columns if c not in reader.header]
            if missing:
                self._file_error(stats, RowError(spec.name, 1, missing[0], "",
                                                 f"missing required column(s): {', '.join(missing)}"))
                return False
            extra = [c for c in reader.header if c not in spec.known_columns]
            if extra:
                self.report.warnings.append(f"{spec.name}: unknown column(s) ignored: {', '.join(extra)}")
            dupes = [c for c, n in Counter(reader.header).items() if n > 1]
            if dupes:
                self._file_error(stats, RowError(spec.name, 1, dupes[0], "", "column appears twice"))
                return False
        return True

    def _submit(self, spec: FileSpec, items: list[tuple[int, Row, dict[str, Any]]], seen: SeenKeys,
                work: queue.Queue[_Batch | None]) -> None:
        """Drop rows whose key came earlier in the file (first occurrence wins), queue the rest."""
        keys = [SeenKeys.encode(tuple(getattr(row, k) for k in spec.key)) for _, row, _ in items]
        kept = []
        for (line, row, raw), key, fresh in zip(items, keys, seen.first_seen(keys), strict=True):
            if fresh:
                kept.append((line, row, raw))
            else:
                self._reject(RowError(spec.name, line, spec.key[0], shorten(key.replace("\x1f", "/")),
                                      "duplicate id in this file (first occurrence kept)"), raw)
        if kept:
            work.put(_Batch(spec, kept))

    def _file_error(self, stats: FileStats, error: RowError) -> None:
        stats.skipped = error.reason
        self.report.file_errors.append(error)

    def _validated(self, spec: FileSpec, reader: CsvReader | JsonLinesReader
                   ) -> Iterator[tuple[int, Row, dict[str, Any]] | None]:
        stats = self.report.files[spec.name]
        for rec in reader:
            stats.read += 1
            if isinstance(rec, RowError):
                self._reject(rec, rec.value or None)  # the row's own text, when it could not be parsed
                yield None
                continue
            assert isinstance(rec, Record)
            try:
                row = spec.model.model_validate(rec.values)
            except ValidationError as exc:
                self._reject(validation_errors(exc, spec.name, rec.line, rec.values), rec.values)
                yield None
                continue
            yield rec.line, row, rec.values

    # ------------------------------------------------------------------ writing
    def _write(self, batch: _Batch) -> None:
        if self.db is None:
            self._check_in_dataset(batch)
            return
        spec = batch.spec

        people = _people_fields(spec)

        def work(tx: TxRunner) -> tuple[dict[int, RowError], set[int], list[str]]:
            rejected: dict[int, RowError] = {}
            assert self._suppression is not None
            erased = self._suppression.suppressed(
                tx, {v for _, row, _ in batch.items for f in people if (v := getattr(row, f)) is not None})
            # ... and rows that depend on a row suppressed earlier in this load (an erased person's orders'
            # lines, their contact's inquiries) are theirs too.
            skipped = {line for line, row, _ in batch.items
                       if any(getattr(row, f) in erased for f in people)
                       or any(getattr(row, ref.field) in self._suppressed_ids.get(ref.target, ()) for ref in spec.refs)}
            # A reference to the same file (a category's parent) may name a row of this batch: checked
            # first, by its own query. Every other reference is resolved by the write statement itself,
            # which writes the rows whose references resolve and returns the others.
            for ref in spec.refs:
                if not ref.same_file:
                    continue
                ids = {v for _, row, _ in batch.items if (v := getattr(row, ref.field)) is not None}
                ids -= {getattr(row, spec.key[0]) for _, row, _ in batch.items}
                if not ids:
                    continue
                missing = {r["id"] for r in tx.run(queries.get(ref.check), ids=sorted(ids))}
                for line, row, _ in batch.items:
                    value = getattr(row, ref.field)
                    if value in missing and line not in rejected and line not in skipped:
                        rejected[line] = _dangling(spec, line, ref.field, value)
            rows = {line: row for line, row, _ in batch.items if line not in rejected and line not in skipped}
            params = [{**row.params(), "line": line} for line, row in rows.items()]
            unresolved: list[Any] = []
            if spec.name.endswith(".jsonl"):
                by_type: dict[str, list[dict[str, Any]]] = {}
                for p in params:
                    by_type.setdefault(p["type"], []).append(p)
                for kind, typed in by_type.items():
                    unresolved += tx.run(EVENT_WRITES[kind], rows=typed)
            elif params:
                unresolved = tx.run(queries.get(spec.write), rows=params)
            for r in unresolved:
                if r.get("missing"):
                    line = r["line"]
                    rejected[line] = _dangling(spec, line, r["missing"], getattr(rows[line], r["missing"]))
            good = [row for line, row in rows.items() if line not in rejected]
            subjects = sorted({getattr(row, spec.consent_subject) for row in good}) if spec.consent_subject else []
            # what the new decisions no longer allow goes in the same transaction (graph.consent);
            # when something went, no cached portrait of theirs may outlive it
            dropped = any(apply_consents(tx, subjects)) if subjects else False
            return rejected, skipped, subjects if dropped else []

        started = time.perf_counter()
        rejected, skipped, withdrawn = self.db.write_tx(work)
        if withdrawn:
            portraits_changed(self.db, withdrawn)
        elapsed = time.perf_counter() - started
        raw = {line: values for line, _, values in batch.items}
        for line, error in rejected.items():
            self._reject(error, raw[line])
        with self._lock:
            stats = self.report.files[spec.name]
            stats.loaded += len(batch.items) - len(rejected) - len(skipped)
            stats.suppressed += len(skipped)
            if skipped and len(spec.key) == 1:
                self._suppressed_ids.setdefault(spec.name, set()).update(
                    getattr(row, spec.key[0]) for line, row, _ in batch.items if line in skipped)
            stats.write_seconds += elapsed


    def _check_in_dataset(self, batch: _Batch) -> None:
        """Dry run: references must name ids from files read earlier in this dataset."""
        spec = batch.spec
        own = self._ids.setdefault(spec.name, set())
        own.update(getattr(row, spec.key[0]) for _, row, _ in batch.items)
        bad = 0
        for line, row, raw in batch.items:
            for ref in spec.refs:
                value = getattr(row, ref.field)
                if value is None or ref.target not in self._ids and not ref.same_file:
                    continue  # target file absent: the graph may hold it, checked at load time
                if value not in self._ids.get(ref.target, set()):
                    self._reject(RowError(spec.name, line, ref.field, shorten(value),
                                          f"refers to a missing entity: no {ref.field} {value!r} in "
                                          f"{ref.target}"), raw)
                    bad += 1
                    break
        with self._lock:
            self.report.files[spec.name].loaded += len(batch.items) - bad


def validate_dataset(directory: Path, **options: Any) -> LoadReport:
    """Parse and validate ``directory`` without a database (references checked within it)."""
    return Loader(None, directory, **options).run()


def load_dataset(db: Database, directory: Path, **options: Any) -> LoadReport:
    """Load ``directory`` into ``db``; see :class:`Loader` for the options."""
    return Loader(db, directory, **options).run()
