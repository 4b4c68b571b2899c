"""The column-wise screen of the bulk load never passes a row its pydantic model rejects, and what it
passes holds the values the model gives (no database needed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from pydantic import ValidationError

from ckg.loaders.columnar import COLUMNS, screen
from ckg.loaders.format import EVENTS_FILE
from ckg.loaders.generator import generate
from ckg.loaders.spec import SPECS

TOMORROW = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
TRICKY: dict[str, list[Any]] = {
    "id": ["a", "", " ", " a ", "x" * 200, "x" * 201, "é", "a\tb", "a\u200bb", None],
    "text": ["", " ", "hello", "a,b", "x" * 501, "\u2003", "\x1c", None],
    "enum": ["", " F", "f", "US", "USD", "view", "organic", "paid", "open", "marketing", "mobile", None],
    "timestamp": ["2025-03-01T12:00:00Z", "2025-03-01T12:00:00+02:00", "2025-03-01T12:00:00.5Z",
                  "2025-02-30T12:00:00Z", "2025-03-01 12:00:00Z", "2025-03-01T12:00:00", "2199-01-01T00:00:00Z",
                  "2025-03-01T24:00:00Z", "2025-03-01T12:00:00+24:00", "2025-03-01T12:00:60Z", TOMORROW, "",
                  "2025-03-01T12:00:00-00:00", None],
    "money": ["0", "12.50", "-1", "1e3", "nan", "inf", " 5", "5.", ".5", "", "1_000", "99999999999999999999", None],
    "int": ["1", "0", "-1", "5", "6", "1900", "2031", " 12", "12.0", "", "+3", "0012", "99999999999", None],
    "bool": ["true", "false", "True", "1", "yes", "", "no", None],
}


@pytest.fixture(scope="module")
def first_rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    out = tmp_path_factory.mktemp("screen") / "d"
    generate(60, 3, out)
    rows: dict[str, dict[str, Any]] = {}
    for name in COLUMNS:
        path: Path = out / name
        if name == EVENTS_FILE:
            rows[name] = json.loads(path.read_text().splitlines()[0])
        else:
            frame = pl.read_csv(path, infer_schema=False, n_rows=1, empty_string_is_null=False)
            rows[name] = frame.row(0, named=True)
    return rows


def _same(value: Any, expected: Any, kind: str) -> bool:
    if kind == "timestamp" and value is not None and expected is not None:
        return bool(datetime.fromisoformat(value) == datetime.fromisoformat(expected))
    return bool(value == expected)


@pytest.mark.parametrize("file", list(COLUMNS))
def test_screen_passes_only_rows_the_model_accepts_with_its_values(
        file: str, first_rows: dict[str, dict[str, Any]]) -> None:
    base = {k: ("" if v is None else v) for k, v in first_rows[file].items()}
    variants = [dict(base)]
    for column, kind in COLUMNS[file].items():
        for value in TRICKY[kind.base]:
            if value is None and file != EVENTS_FILE:
                continue  # a CSV field is never absent
            variants.append({**base, column: value})
    raw = pl.DataFrame(variants, schema=dict.fromkeys(COLUMNS[file], pl.String))
    values, suspect = screen(file, raw)
    passed = 0
    for i, variant in enumerate(variants):
        if suspect[i]:
            continue
        passed += 1
        given = {k: v for k, v in variant.items() if v is not None}
        try:
            params = SPECS[file].model.model_validate(given).params()
        except ValidationError as exc:  # pragma: no cover - the failure this test exists for
            raise AssertionError(f"{file}: screen passed {variant}, model rejects it: {exc}") from exc
        row = values.row(i, named=True)
        for column, kind in COLUMNS[file].items():
            assert _same(row[column], params[column], kind.base), (file, column, variant, row[column],
                                                                   params[column])
    assert not suspect[0], f"{file}: a plain generated row should pass the screen"
    assert passed < len(variants), "some variant should have been flagged"
