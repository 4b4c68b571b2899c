"""Readers for CSV and JSON Lines files: records with their line numbers, or row errors.

Readers never stop at a bad record: broken encodings, wrong field counts, oversized fields,
unclosed quotes and bad JSON each become a :class:`RowError` and reading goes on.
"""

from __future__ import annotations

import csv
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ckg.loaders.errors import RowError, shorten

MAX_FIELD_BYTES = 1_000_000
#: How far a quoted field may run on over following lines before the reader gives up on it
#: (together with MAX_FIELD_BYTES characters): a longer field is an unclosed quote.
LOOKAHEAD_LINES = 10_000
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


def _whole_record(line: str, width: int) -> bool:
    """Whether ``line`` alone is a well-formed record of ``width`` fields: balanced quotes, no
    quote left open. Such a line after an open quote means the quote was never closed."""
    if line.count(",") + 1 < width or line.count('"') % 2:
        return False
    try:
        fields = next(csv.reader((line,), strict=True))
    except (csv.Error, StopIteration):
        return False
    return len(fields) == width


def open_text(path: Path) -> IO[str]:
    # utf-8-sig drops a BOM; newline="" lets csv handle CRLF and quoted newlines.
    return open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")


class CsvReader:
    """Reads one CSV file with a header row.

    The reader feeds :mod:`csv` one physical line at a time, so it sees when a record runs on
    past the end of a line (a quoted field holding a newline). A quote left open by mistake
    would swallow the rest of the file, so the reader gives up on it when it reaches a line that
    is a whole record by itself (:func:`_whole_record`), the end of the file, or the look-ahead
    bound (:data:`LOOKAHEAD_LINES` lines or :data:`MAX_FIELD_BYTES` characters): the line where
    the record began is rejected as an "unclosed quote" and reading starts again on the line
    after it. Every physical line thus ends up in a record, a blank line or a rejected row.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self._fh = open_text(path)
        self._lines: list[str] = []  # the physical lines of the record being parsed
        self._pending: deque[str] = deque()  # lines to parse again after an unclosed quote
        self._cut = False  # the source stopped inside a quoted field
        self._width = 0  # fields per record, once the header is known
        self._consumed = 0  # physical lines before the record being parsed
        self._open_chars = 0  # characters read since the line that left a quote open
        self._reader = csv.reader(self._source())
        self.header: list[str] | None = None
        self.header_error: RowError | None = None
        try:
            first = next(self._reader)
            if self._cut:
                raise csv.Error("unclosed quote")
            self._end_record()
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

    def _source(self) -> Iterator[str]:
        """Physical lines for :mod:`csv`: first any lines given back after an unclosed quote, then
        the file. A line asked for while ``_lines`` holds part of a record continues an open
        quoted field (see :meth:`_give_up`)."""
        pending, lines = self._pending, self._lines
        while pending:
            line = pending.popleft()
            if lines and self._give_up(line):
                return
            lines.append(line)
            yield line
        for line in self._fh:
            if lines and self._give_up(line):
                return
            lines.append(line)
            yield line
        self._cut = bool(lines)  # the file ended inside a quoted field

    def _give_up(self, line: str) -> bool:
        """Whether to stop an open quoted field before ``line`` rather than let it swallow a whole
        record or run on past the look-ahead bound; if so, ``line`` is kept to be read again."""
        self._open_chars = len(line) + (self._open_chars if len(self._lines) > 1 else 0)
        if not (len(self._lines) > LOOKAHEAD_LINES or self._open_chars > MAX_FIELD_BYTES
                or (self._width and _whole_record(line, self._width))):
            return False
        self._pending.appendleft(line)
        self._cut = True
        return True

    def _end_record(self) -> None:
        self._consumed += len(self._lines)
        self._lines.clear()

    def _unclosed_quote(self, start: int) -> RowError:
        """Reject the line that opened the quote; parse the lines after it again."""
        first, rest = self._lines[0], self._lines[1:]
        self._pending.extendleft(reversed(rest))
        self._consumed += 1
        self._lines.clear()
        self._cut = False
        self._reader = csv.reader(self._source())
        return RowError(self.name, start, "", shorten(first.rstrip("\r\n")), "unclosed quote")

    def __iter__(self) -> Iterator[Record | RowError]:
        if self.header is None or self.header_error:
            return
        header = self.header
        width = self._width = len(header)
        lines = self._lines
        while True:
            start = self._consumed + 1
            try:
                fields = next(self._reader)
            except StopIteration:
                if self._cut:  # csv returns what an open quote holds at the end; never lose it
                    yield self._unclosed_quote(start)
                    continue
                return
            except csv.Error as exc:
                if self._cut:
                    yield self._unclosed_quote(start)
                    continue
                self._end_record()
                yield RowError(self.name, start, "", "", f"malformed CSV: {exc}")
                continue
            if self._cut:
                yield self._unclosed_quote(start)
                continue
            self._consumed += len(lines)
            lines.clear()
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
        return json_records(self.name, enumerate(self._fh, start=1))


def json_records(name: str, lines: Iterable[tuple[int, str]]) -> Iterator[Record | RowError]:
    """Records (or row errors) from numbered JSON Lines; blank lines are skipped."""
    for number, line in lines:
        if not line.strip():
            continue
        if _encoding_problem(line):
            yield RowError(name, number, "", shorten(line.strip()), "invalid UTF-8")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RowError(name, number, "", shorten(line.strip()), f"invalid JSON: {exc.msg}")
            continue
        if not isinstance(obj, dict):
            yield RowError(name, number, "", shorten(line.strip()), "expected a JSON object")
            continue
        problem = _first_problem(obj, name, number) if len(line) > MAX_FIELD_BYTES // 4 else None
        yield problem or Record(number, obj)
