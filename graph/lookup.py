"""Batched lookups answer in the order of the ids asked for: the shape DataLoaders need.

A query for many ids returns rows keyed by ``id``; these put them back in the callers' order,
one row (or a default) per id, or every row per id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

Row = dict[str, Any]
D = TypeVar("D")


def one_per_id(rows: list[Row], ids: Sequence[str], default: D) -> list[Row | D]:
    by = {r["id"]: r for r in rows}
    return [by.get(i, default) for i in ids]


def all_per_id(rows: list[Row], ids: Sequence[str]) -> list[list[Row]]:
    by: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by[r["id"]].append(r)
    return [by.get(i, []) for i in ids]


def lists_per_id(rows: list[Row], ids: Sequence[str], column: str) -> list[list[Row]]:
    """Rows that carry each id's list in ``column`` (one row per id): that list per id, [] when missing."""
    by = {r["id"]: r[column] for r in rows}
    return [by.get(i) or [] for i in ids]
