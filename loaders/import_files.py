"""Validate a dataset into the CSV files ``neo4j-admin database import full`` reads.

:class:`ImportWriter` is a :class:`~ckg.loaders.load.Loader` whose rows go to import CSVs instead of
``MERGE`` batches, with the same rules, rejections and quarantine as the online load:

- a file is read in blocks of a few MB (flat memory) and checked a column at a time
  (:mod:`ckg.loaders.columnar`); a row the screen does not pass goes to its pydantic model;
- a file the block reader cannot take exactly (a quoted newline, a blank line, a short row, bad
  UTF-8) is read again by the online path's reader, row by row, so every rejection keeps its
  line, field and reason;
- duplicate keys (first occurrence kept) and references are resolved against the keys accepted
  so far, as the online load resolves them against the graph: a dangling reference is rejected.

Memory holds the keys of the file being read and of the files others refer to (~20 bytes a key),
never the rows.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import polars as pl
from pydantic import ValidationError

from ckg.loaders.columnar import COLUMNS, frame_from_params, screen
from ckg.loaders.errors import RowError, shorten
from ckg.loaders.import_layout import DEVICE_NODES, OUTPUTS, SEARCH_TERM_NODES, Output
from ckg.loaders.load import FileStats, Loader, LoadReport, _Batch, validation_errors
from ckg.loaders.readers import MAX_FIELD_BYTES, CsvReader, Record, json_records
from ckg.loaders.rows import Row
from ckg.loaders.seen_keys import SeenKeys
from ckg.loaders.spec import FileSpec

#: Bytes per block: ~100k-500k rows, a few hundred MB of polars memory at most.
BLOCK_BYTES = 32 * 1024 * 1024
KEY_SEP = "\x1f"
#: A JSON object whose values are all strings: the only shape the block reader takes as is.
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_JSON_PAIR = rf"{_JSON_STRING}\s*:\s*{_JSON_STRING}\s*"
_FLAT_JSON = rf"^\s*\{{\s*(?:{_JSON_PAIR}(?:,\s*{_JSON_PAIR})*)?\}}\s*$"
_NEWLINE = r"[\r\n]"


class NotBlockReadable(Exception):
    """The file holds something only the row-by-row reader handles exactly."""


@dataclass
class _OutputFile:
    output: Output
    path: Path
    fh: IO[bytes]
    rows: int = 0
    multiline: bool = False


@dataclass
class ImportFiles:
    """The import CSVs in a work directory, and the ``neo4j-admin`` arguments that read them."""

    directory: Path
    files: dict[str, _OutputFile] = field(default_factory=dict)

    def open(self, outputs: tuple[Output, ...]) -> None:
        """Start (or start again) the files of one input file's outputs."""
        for out in outputs:
            old = self.files.get(out.name)
            if old is not None:
                old.fh.close()
            path = self.directory / f"{out.kind}-{out.name}.csv"
            fh = open(path, "wb")
            fh.write((",".join(out.header) + "\n").encode())
            self.files[out.name] = _OutputFile(out, path, fh)

    def append(self, name: str, frame: pl.DataFrame) -> None:
        if frame.height == 0:
            return
        target = self.files[name]
        if not target.multiline:
            strings = [c for c, t in frame.schema.items() if t == pl.String]
            if strings:
                target.multiline = bool(frame.select(
                    pl.any_horizontal(pl.col(c).str.contains(_NEWLINE).any() for c in strings)).item())
        frame.write_csv(target.fh, include_header=False, quote_style="necessary", null_value="")
        target.rows += frame.height

    def close(self) -> None:
        for f in self.files.values():
            f.fh.close()

    def arguments(self) -> list[str]:
        """``--nodes``/``--relationships`` options for every file with rows, and the multi-line ones."""
        args = [f"--{f.output.kind}={f.output.label}={f.path}" for f in self.files.values() if f.rows]
        multiline = [str(f.path) for f in self.files.values() if f.rows and f.multiline]
        if multiline:
            args += ["--multiline-fields-format=v2", f"--multiline-fields={','.join(multiline)}"]
        return args

    @property
    def entities(self) -> int:
        return sum(f.rows for f in self.files.values())


class KeyRuns:
    """The keys accepted so far from one file, as a few sorted runs (the last two merged whenever the
    older is at most twice the newer): a block's keys are found by binary search in each run, so a
    block costs O(b log n) and all merging O(n log n), where one set rebuilt per block costs O(n)."""

    def __init__(self) -> None:
        self.runs: list[pl.Series] = []
        self._all: pl.Series | None = None

    def add(self, keys: pl.Series) -> None:
        if keys.len() == 0:
            return
        self._all = None
        self.runs.append(keys.sort())
        while len(self.runs) > 1 and self.runs[-2].len() <= 2 * self.runs[-1].len():
            newer = self.runs.pop()
            self.runs[-1] = pl.concat([self.runs[-1], newer]).sort()

    def contains(self, keys: pl.Series) -> pl.Series:
        """For each of ``keys``, whether it was added before."""
        found = pl.Series(values=[False] * keys.len(), dtype=pl.Boolean)
        for run in self.runs:
            at = run.search_sorted(keys, side="left")
            hit = (run.gather(at.clip(0, run.len() - 1)) == keys) & (at < run.len())
            found = found | hit.fill_null(False)
        return found

    def all(self) -> pl.Series:
        if self._all is None:
            self._all = pl.concat(self.runs) if self.runs else pl.Series([], dtype=pl.String)
        return self._all

    def __len__(self) -> int:
        return sum(r.len() for r in self.runs)


_DEVICES = Output("Device", "nodes", "Device", DEVICE_NODES, (pl.col("deviceId"), pl.col("type")))
_SEARCH_TERMS = Output("SearchTerm", "nodes", "SearchTerm", SEARCH_TERM_NODES, (pl.col("term"),))


class ImportWriter(Loader):
    """Validates ``directory`` and writes the import CSVs into ``work`` (see the module docstring)."""

    def __init__(self, directory: Path, work: Path, **options: Any) -> None:
        super().__init__(None, directory, **options)
        work.mkdir(parents=True, exist_ok=True)
        self.out = ImportFiles(work)
        #: Keys accepted so far per file (one column; several joined by KEY_SEP).
        self.keys: dict[str, KeyRuns] = {}
        self._devices: list[pl.DataFrame] = []
        self._terms: list[pl.Series] = []
        self.block_read: dict[str, bool] = {}  # per file: read in blocks (True) or row by row

    # ------------------------------------------------------------------ reading
    def run(self) -> LoadReport:
        try:
            report = super().run()
            self._write_shared_nodes()
        finally:
            self.out.close()
        return report

    def _read_file(self, spec: FileSpec, work: Any) -> None:
        stats_before = (len(self.report.errors), self.report.rejected)
        self._start_file(spec)
        try:
            self._read_blocks(spec)
            self.block_read[spec.name] = True
            return
        except NotBlockReadable:
            pass
        # Start the file again, row by row: forget what the block reader did with it.
        self._forget(spec, stats_before)
        self._start_file(spec)
        self.block_read[spec.name] = False
        super()._read_file(spec, work)

    def _start_file(self, spec: FileSpec) -> None:
        self.out.open(OUTPUTS[spec.name])
        self.keys[spec.name] = KeyRuns()
        if spec.name == "customers.csv":
            self._devices = []
        if spec.name == "events.jsonl":
            self._terms = []
        self._pending: list[tuple[RowError, dict[str, Any] | str | None]] = []
        self._buffering = True

    def _forget(self, spec: FileSpec, before: tuple[int, int]) -> None:
        self._pending = []
        self.report.files.pop(spec.name, None)
        del self.report.errors[before[0]:]

    def _reject_later(self, error: RowError, raw: dict[str, Any] | str | None) -> None:
        if self._buffering:
            self._pending.append((error, raw))
        else:
            self._reject(error, raw)

    def _flush_rejects(self) -> None:
        self._buffering = False
        for error, raw in self._pending:
            self._reject(error, raw)
        self._pending = []

    def _read_blocks(self, spec: FileSpec) -> None:
        path = self.dir / spec.name
        stats = self.report.files.setdefault(spec.name, FileStats())
        header: list[str] | None = None
        if spec.is_csv:
            reader = CsvReader(path)
            try:
                if not self._header_ok(spec, reader, stats):
                    self._flush_rejects()
                    return
                header = reader.header
            finally:
                reader.close()
        self.progress.start(spec.name, path.stat().st_size)
        try:
            with open(path, "rb") as fh:
                line = 1
                if header is not None:
                    first = fh.readline()
                    if b'"' in first or b"\r" in first.rstrip(b"\r\n"):
                        raise NotBlockReadable
                    line = 2
                for block in _blocks(fh, header is None):
                    n = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
                    if header is not None:
                        self._csv_block(spec, header, block, n, line)
                    else:
                        self._json_block(spec, block, n, line)
                    line += n
                    self.progress.advance(spec.name, fh.tell())
                    if self._over_limit():
                        break
        finally:
            self.progress.end(spec.name)
        self._flush_rejects()

    def _csv_block(self, spec: FileSpec, header: list[str], block: bytes, n: int, line: int) -> None:
        try:
            raw = pl.read_csv(block, has_header=False, new_columns=header, schema=dict.fromkeys(header, pl.String),
                              empty_string_is_null=False)
        except Exception as exc:  # noqa: BLE001 - polars raises several kinds; the row reader words them
            raise NotBlockReadable from exc
        if raw.height != n or not _widths_ok(block, n, len(header)):
            raise NotBlockReadable
        if len(block) > MAX_FIELD_BYTES // 4 and raw.select(
                pl.max_horizontal(pl.col(c).str.len_bytes().max() for c in header)).item() > MAX_FIELD_BYTES // 4:
            raise NotBlockReadable  # the row reader words "field over 1 MB"
        self.report.files[spec.name].read += n
        self._screened(spec, raw, pl.Series(range(line, line + n), dtype=pl.Int64),
                       lambda i: raw.row(i, named=True))

    def _json_block(self, spec: FileSpec, block: bytes, n: int, line: int) -> None:
        names = list(COLUMNS[spec.name])
        if b"\r" in block:
            raise NotBlockReadable  # the row reader breaks lines at a lone CR too
        lines = block.split(b"\n")
        if block.endswith(b"\n"):
            lines.pop()
        try:
            text = pl.Series(lines, dtype=pl.Binary).cast(pl.String)  # not UTF-8: raises, row by row
            # blank or long lines (whitespace as str.strip sees it, a superset of bytes.strip's:
            # a line blank only to it goes row by row, which judges it as before)
            sizes = text.str.len_bytes()
            if (text.str.strip_chars().str.len_bytes() == 0).any() or (sizes > MAX_FIELD_BYTES // 4).any():
                raise ValueError("blank or long line")
            raw = pl.read_ndjson(block, schema=dict.fromkeys(names, pl.String))
            if raw.height != n:
                raise ValueError("row count")
            flat = text.str.contains(_FLAT_JSON)
        except Exception:  # noqa: BLE001 - any surprise: this block row by row (lines are independent)
            self._json_rows(spec, list(enumerate(lines, start=line)))
            return
        odd = (~flat).arg_true().to_list()
        if odd:
            # Lines with values other than strings: exactly as the row reader takes them.
            self._json_rows(spec, [(line + i, lines[i]) for i in odd])
            keep = ~pl.Series(range(n)).is_in(odd)
            index = pl.Series(range(n)).filter(keep)
            raw = raw.filter(keep)
        else:
            index = pl.Series(range(n))
        self.report.files[spec.name].read += raw.height
        idx = index.to_list()
        self._screened(spec, raw, (index + line).cast(pl.Int64), lambda i: json.loads(lines[idx[i]]))

    def _json_rows(self, spec: FileSpec, lines: list[tuple[int, bytes]]) -> None:
        """Lines the block reader cannot take: the online reader's rules, row by row."""
        numbered = ((n, b.decode("utf-8", "surrogateescape")) for n, b in lines)
        stats = self.report.files[spec.name]
        accepted: list[tuple[int, dict[str, Any]]] = []
        raws: dict[int, Any] = {}
        for rec in json_records(spec.name, numbered):
            stats.read += 1
            if isinstance(rec, RowError):
                self._reject_later(rec, rec.value or None)
                continue
            assert isinstance(rec, Record)
            row = self._model(spec, rec.line, rec.values)
            if row is not None:
                accepted.append((rec.line, row.params()))
                raws[rec.line] = rec.values
        if accepted:
            self._accept(spec, _frame(spec.name, accepted), raws.get)

    def _model(self, spec: FileSpec, line: int, values: dict[str, Any]) -> Row | None:
        try:
            return spec.model.model_validate(values)
        except ValidationError as exc:
            self._reject_later(validation_errors(exc, spec.name, line, values), values)
            return None

    def _screened(self, spec: FileSpec, raw: pl.DataFrame, lines: pl.Series,
                  raw_of_row: Callable[[int], dict[str, Any]]) -> None:
        """Screen a block (``lines``: each row's line); suspect rows go to pydantic; then keys,
        references and outputs."""
        missing = [c for c in COLUMNS[spec.name] if c not in raw.columns]
        if missing:
            raw = raw.with_columns(pl.lit(None, pl.String).alias(c) for c in missing)
        values, suspect = screen(spec.name, raw)
        good = values.with_columns(lines.alias("__line")).filter(~suspect)
        suspects = suspect.arg_true().to_list()
        accepted: list[tuple[int, dict[str, Any]]] = []
        for i in suspects:
            vals = raw_of_row(i)
            row = self._model(spec, int(lines[i]), vals)
            if row is not None:
                accepted.append((int(lines[i]), row.params()))
        if accepted:
            good = pl.concat([good, _frame(spec.name, accepted)]).sort("__line")
        first = int(lines[0]) if len(lines) else 0
        contiguous = not suspects and spec.is_csv  # a CSV block's rows are its lines, in order
        by_line: dict[int, int] = {}

        def raw_of(ln: int) -> Any:  # a rejected row's raw values: rare, so the index is built on demand
            if contiguous:
                return raw_of_row(ln - first)
            if not by_line:
                by_line.update((int(x), i) for i, x in enumerate(lines.to_list()))
            return raw_of_row(by_line[ln])

        self._accept(spec, good, raw_of)

    # ------------------------------------------------------------------ row-by-row path
    def _submit(self, spec: FileSpec, items: list[tuple[int, Row, dict[str, Any]]], seen: SeenKeys,
                work: Any) -> None:
        del seen, work  # duplicates are found by _accept, as for blocks
        self._write(_Batch(spec, items))

    def _write(self, batch: _Batch) -> None:
        self._buffering = False
        frame = _frame(batch.spec.name, [(line, row.params()) for line, row, _ in batch.items])
        raw = {line: values for line, _, values in batch.items}
        self._accept(batch.spec, frame, raw.get)

    # ------------------------------------------------------------------ keys, references, outputs
    def _key(self, spec: FileSpec) -> pl.Expr:
        if len(spec.key) == 1:
            return pl.col(spec.key[0])
        return pl.concat_str([pl.col(k) for k in spec.key], separator=KEY_SEP)

    def _known(self, name: str) -> pl.Series:
        runs = self.keys.get(name)
        return runs.all() if runs is not None else pl.Series([], dtype=pl.String)

    def _accept(self, spec: FileSpec, frame: pl.DataFrame, raw_of: Callable[[int], Any]) -> None:
        if frame.height == 0:
            return
        frame = frame.with_columns(self._key(spec).alias("__key"))
        bad: dict[int, RowError] = {}
        # First occurrence wins, within the block and against earlier blocks.
        dup = ~frame["__key"].is_first_distinct() | self.keys[spec.name].contains(frame["__key"])
        for ln, key in frame.filter(dup).select("__line", "__key").iter_rows():
            bad[ln] = RowError(spec.name, ln, spec.key[0], shorten(key.replace(KEY_SEP, "/")),
                               "duplicate id in this file (first occurrence kept)")
        frame = frame.filter(~dup)
        for ref in spec.refs:
            target = self._known(ref.target)
            if ref.same_file:
                target = pl.concat([target, frame["__key"]])
            missing = frame.filter(pl.col(ref.field).is_not_null() & ~pl.col(ref.field).is_in(target.implode()))
            for ln, value in missing.select("__line", ref.field).iter_rows():
                bad.setdefault(ln, RowError(
                    spec.name, ln, ref.field, shorten(value),
                    f"refers to a missing entity: no {ref.field} {value!r} in {ref.target} or the graph"))
            if missing.height:
                frame = frame.filter(~pl.col("__line").is_in(missing["__line"]))
        for ln in sorted(bad):
            self._reject_later(bad[ln], raw_of(ln))
        self.keys[spec.name].add(frame["__key"])
        for out in OUTPUTS[spec.name]:
            self.out.append(out.name, out.frame(frame))
        if spec.name == "customers.csv":
            self._devices.append(frame.filter(pl.col("deviceId").is_not_null())
                                 .select("deviceId", "device", "__line"))
        if spec.name == "events.jsonl":
            self._terms.append(frame.filter(pl.col("type") == "search")["query"].unique())
        with self._lock:
            self.report.files[spec.name].loaded += frame.height

    def _write_shared_nodes(self) -> None:
        """Device and SearchTerm nodes, once each, after the rows naming them."""
        if self._devices:
            devices = (pl.concat(self._devices).sort("__line").group_by("deviceId", maintain_order=True)
                       .agg(pl.col("device").drop_nulls().last().alias("type")))
            self.out.open((_DEVICES,))
            self.out.append("Device", _DEVICES.frame(devices))
        if self._terms:
            self.out.open((_SEARCH_TERMS,))
            terms = pl.concat(self._terms).unique(maintain_order=True).alias("term").to_frame()
            self.out.append("SearchTerm", _SEARCH_TERMS.frame(terms))


def _frame(file: str, rows: list[tuple[int, dict[str, Any]]]) -> pl.DataFrame:
    """Validated rows (line, ``Row.params()``) as a block."""
    return frame_from_params(file, [p for _, p in rows]).with_columns(
        pl.Series("__line", [ln for ln, _ in rows], dtype=pl.Int64))


def _blocks(fh: IO[bytes], strip_bom: bool) -> Iterator[bytes]:
    """The rest of the file in blocks of whole lines."""
    first = True
    while True:
        block = fh.read(BLOCK_BYTES)
        if not block:
            return
        if first and strip_bom and block.startswith(b"\xef\xbb\xbf"):
            block = block[3:]
        first = False
        if not block.endswith(b"\n"):
            block += fh.readline()
        yield block


def _widths_ok(block: bytes, n: int, width: int) -> bool:
    """Every line holds ``width`` fields (polars pads a short row silently)."""
    if b'"' not in block:
        return block.count(b",") == n * (width - 1)
    for text in io.StringIO(block.decode("utf-8", "surrogateescape"), newline=""):
        if '"' in text:
            fields = next(csv.reader([text]), [])
            if len(fields) != width:
                return False
        elif text.count(",") != width - 1:
            return False
    return True

