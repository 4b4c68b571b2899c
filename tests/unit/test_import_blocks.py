"""The bulk load's block reader judges odd lines of the events file as the row reader does: a block
with a blank, whitespace-only or over-long line, or a line that is not UTF-8, is read row by row,
and the rejects and import files are the same either way (no database needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ckg.loaders.format import EVENTS_FILE
from ckg.loaders.generator import generate
from ckg.loaders.import_files import ImportWriter, NotBlockReadable
from ckg.loaders.readers import MAX_FIELD_BYTES


def _written(directory: Path, work: Path) -> tuple[list[tuple[object, ...]], dict[str, list[str]]]:
    writer = ImportWriter(directory, work)
    report = writer.run()
    rejects = sorted((e.file, e.line, e.field, e.reason) for e in report.errors)
    files = {p.name: sorted(p.read_text(errors="replace").splitlines()) for p in sorted(work.glob("*.csv"))}
    return rejects, files


@pytest.mark.parametrize(("odd", "rejected"), [
    (b"", False), (b"   ", False), ("\u00a0".encode(), False),  # blank lines are skipped (str.strip's blank)
    (b"\xff\xfe{}", True),
    (b'{"eventId": "long", "query": "' + b"x" * (MAX_FIELD_BYTES // 4) + b'"}', True)])
def test_odd_lines_in_events_give_the_row_readers_rejects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          odd: bytes, rejected: bool) -> None:
    data = tmp_path / "d"
    generate(40, 3, data)
    lines = (data / EVENTS_FILE).read_bytes().splitlines()
    customer = json.loads(lines[0])["customerId"]
    extra = json.dumps({"eventId": "extra-1", "customerId": customer, "type": "search",
                        "at": "2025-04-01T11:00:00Z", "query": "kayak"}).encode()
    (data / EVENTS_FILE).write_bytes(b"\n".join([*lines[:5], odd, extra, *lines[5:]]) + b"\n")

    blocks = _written(data, tmp_path / "blocks")

    def no_blocks(self: ImportWriter, spec: object) -> None:
        raise NotBlockReadable

    monkeypatch.setattr(ImportWriter, "_read_blocks", no_blocks)
    rows = _written(data, tmp_path / "rows")
    assert blocks == rows
    assert [e[:2] for e in rows[0]] == ([(EVENTS_FILE, 6)] if rejected else [])
    assert any("kayak" in line for line in rows[1]["nodes-SearchTerm.csv"])  # the line after it is kept
