"""Reading B2B enterprises with their contacts, purchasing potential and tags."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ckg.graph.db import Database
from ckg.graph.lookup import all_per_id, one_per_id
from ckg.graph.queries import queries


def enterprises_by_id(db: Database, ids: Sequence[str]) -> list[dict[str, Any] | None]:
    return one_per_id(db.read(queries.api.get_enterprises, ids=list(ids)), ids, None)


def tags_by_enterprise(db: Database, ids: Sequence[str]) -> list[list[dict[str, Any]]]:
    return all_per_id(db.read(queries.api.get_enterprise_tags, ids=list(ids)), ids)


def enterprise_page(db: Database, first: int, after: str | None, country: str | None,
                    tag: str | None) -> tuple[list[str], bool, int]:
    """Enterprises by purchasing-potential rank."""
    ids = [r["id"] for r in db.read(queries.api.list_enterprise_ids, after=after, country=country, tag=tag,
                                    limit=first + 1)]
    total = int(db.read(queries.api.count_enterprises, country=country, tag=tag)[0]["n"])
    return ids[:first], len(ids) > first, total
