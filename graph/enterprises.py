"""Reading B2B enterprises with their contacts, purchasing potential and tags."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from ckg.graph.async_db import AsyncDatabase
from ckg.graph.lookup import lists_per_id, one_per_id
from ckg.graph.queries import queries


async def enterprises_by_id(db: AsyncDatabase, ids: Sequence[str]) -> list[dict[str, Any] | None]:
    return one_per_id(await db.read(queries.api.get_enterprises, ids=list(ids)), ids, None)


async def tags_by_enterprise(db: AsyncDatabase, ids: Sequence[str]) -> list[list[dict[str, Any]]]:
    return lists_per_id(await db.read(queries.api.get_enterprise_tags, ids=list(ids)), ids, "tags")


async def enterprise_page(db: AsyncDatabase, first: int, after: str | None, country: str | None,
                          tag: str | None) -> tuple[list[str], bool, int]:
    """Enterprises by purchasing-potential rank (the page and the count: two reads at once)."""
    rows, counted = await asyncio.gather(
        db.read(queries.api.list_enterprise_ids, after=after, country=country, tag=tag, limit=first + 1),
        db.read(queries.api.count_enterprises, country=country, tag=tag))
    ids = [r["id"] for r in rows]
    return ids[:first], len(ids) > first, int(counted[0]["n"])
