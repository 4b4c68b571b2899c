"""Readers for CSV and JSON Lines files: records with their line numbers, or row errors.

Readers never stop at a bad record: broken encodings, wrong field counts, oversized fields,
bad JSON and NUL bytes each become a :class:`RowError` and reading goes on.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ckg.loaders.errors import RowError, shorten

MAX_FIELD_BYTES = 1_000_000
csv.field_size_limit(64 * 1024 * 1024)  # read big fields, then reject them with a clear reason


@dataclass(frozen=True)
class Record:
    line: int
    values: dict[str, Any]


_SURROGATE = re.compile("[\udc80-\udcff]")


def _encoding_problem(value: str) -> bool:
    # Undecodable bytes arrive as lone surrogates (errors="surrogateescape").
    return _SURROGATE.search(value) is not None


def _field_problem(name: str, value: Any, file: str, line: int) -> RowError | None:
    if not isinstance(value, str):
        return None
    if _encoding_problem(value):
        return RowError(file, line, name, shorten(value), "invalid UTF-8 in this field")
    if len(value) > MAX_FIELD_BYTES // 4 and len(value.encode("utf-8")) > MAX_FIELD_BYTES:
        return RowError(file, line, name, shorten(value), "field over 1 MB")
    return None


def _first_problem(values: dict[str, Any], file: str, line: int) -> RowError | None:
    return next((p for k, v in values.items() if (p := _field_problem(k, v, file, line))), None)


def _row_suspect(fields: list[str]) -> bool:
    """Cheap whole-row screen; only a suspect row is checked field by field."""
    return sum(map(len, fields)) > MAX_FIELD_BYTES // 4 or any(map(_encoding_problem, fields))


def open_text(path: Path) -> IO[str]:
    # utf-8-sig drops a BOM; newline="" lets csv handle CRLF and quoted newlines.
    return open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")


class CsvReader:
    """Reads one CSV file with a header row."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self._fh = open_text(path)
        self._reader = csv.reader(self._fh)
        self.header: list[str] | None = None
        self.header_error: RowError | None = None
        try:
            first = next(self._reader)
            self.header = [h.strip() for h in first]
            bad = next((h for h in self.header if _encoding_problem(h)), None)
            if bad is not None:
                self.header_error = RowError(self.name, 1, "", shorten(bad), "invalid UTF-8 in header")
        except StopIteration:
            self.header_error = RowError(self.name, 0, "", "", "empty file: no header row")
        except csv.Error as exc:
            self.header_error = RowError(self.name, 1, "", "", f"unreadable header: {exc}")

    def bytes_read(self) -> int:
        return int(self._fh.buffer.tell())  # type: ignore[attr-defined]

    def close(self) -> None:
        self._fh.close()

    def __iter__(self) -> Iterator[Record | RowError]:
        if self.header is None or self.header_error:
            return
        header = self.header
        width = len(header)
        last_line = 1
        while True:
            start = last_line + 1
            try:
                fields = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                last_line = self._reader.line_num
                yield RowError(self.name, start, "", "", f"malformed CSV: {exc}")
                continue
            last_line = self._reader.line_num
            if not fields or (len(fields) == 1 and fields[0] == ""):
                continue  # blank line
            if len(fields) != width:
                yield RowError(self.name, start, "", shorten(",".join(fields)),
                               f"expected {width} fields, found {len(fields)}")
                continue
            values = dict(zip(header, fields, strict=True))
            problem = _first_problem(values, self.name, start) if _row_suspect(fields) else None
            yield problem or Record(start, values)


class JsonLinesReader:
    """Reads one JSON object per line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self._fh = open(path, encoding="utf-8-sig", errors="surrogateescape", newline=None)
        self.header: list[str] | None = None
        self.header_error: RowError | None = None

    def bytes_read(self) -> int:
        return int(self._fh.buffer.tell())  # type: ignore[attr-defined]

    def close(self) -> None:
        self._fh.close()

    def __iter__(self) -> Iterator[Record | RowError]:
        for number, line in enumerate(self._fh, start=1):
            if not line.strip():
                continue
            if _encoding_problem(line):
                yield RowError(self.name, number, "", shorten(line.strip()), "invalid UTF-8")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RowError(self.name, number, "", shorten(line.strip()), f"invalid JSON: {exc.msg}")
                continue
            if not isinstance(obj, dict):
                yield RowError(self.name, number, "", shorten(line.strip()), "expected a JSON object")
                continue
            problem = _first_problem(obj, self.name, number) if len(line) > MAX_FIELD_BYTES // 4 else None
            yield problem or Record(number, obj)
