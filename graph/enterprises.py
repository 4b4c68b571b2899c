"""Reading B2B enterprises with their contacts, purchasing potential and tags."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from graph.db import Database
from graph.queries import queries


def enterprises_by_id(db: Database, ids: Sequence[str]) -> list[dict[str, Any] | None]:
    rows = {r["id"]: r for r in db.read(queries.api.get_enterprises, ids=list(ids))}
    return [rows.get(i) for i in ids]


def tags_by_enterprise(db: Database, ids: Sequence[str]) -> list[list[dict[str, Any]]]:
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in db.read(queries.api.get_enterprise_tags, ids=list(ids)):
        by[r["id"]].append(r)
    return [by.get(i, []) for i in ids]


def enterprise_page(db: Database, first: int, after: str | None, country: str | None,
                    tag: str | None) -> tuple[list[str], bool, int]:
    """Enterprises by purchasing-potential rank."""
    ids = [r["id"] for r in db.read(queries.api.list_enterprise_ids, after=after, country=country, tag=tag,
                                    limit=first + 1)]
    total = int(db.read(queries.api.count_enterprises, country=country, tag=tag)[0]["n"])
    return ids[:first], len(ids) > first, total
