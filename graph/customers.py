"""Reading customers for front-ends: batched lookups (one query for many ids) and filtered pages, through
the API's async driver (:mod:`ckg.graph.async_db`)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ckg.graph.async_db import AsyncDatabase
from ckg.graph.lookup import all_per_id, lists_per_id, one_per_id
from ckg.graph.queries import queries


@dataclass(frozen=True)
class CustomerFilter:
    tag: str | None = None
    dimension: str | None = None
    min_weight: float = 0.0
    country: str | None = None
    community: str | None = None
    segment: str | None = None

    def params(self, include_sensitive: bool) -> dict[str, Any]:
        return {"tag": self.tag, "dimension": self.dimension, "minWeight": self.min_weight,
                "country": self.country, "community": self.community, "segment": self.segment,
                "includeSensitive": include_sensitive}


async def customers_by_id(db: AsyncDatabase, ids: Sequence[str]) -> list[dict[str, Any] | None]:
    return one_per_id(await db.read(queries.api.get_customers, ids=list(ids)), ids, None)


async def tags_by_customer(db: AsyncDatabase, ids: Sequence[str],
                           include_sensitive: bool) -> list[list[dict[str, Any]]]:
    rows = await db.read(queries.api.get_customer_tags, ids=list(ids), includeSensitive=include_sensitive)
    return lists_per_id(rows, ids, "tags")


async def communities_by_customer(db: AsyncDatabase, ids: Sequence[str]) -> list[list[dict[str, Any]]]:
    return all_per_id(await db.read(queries.api.get_customer_communities, ids=list(ids)), ids)


async def similar_by_customer(db: AsyncDatabase, ids: Sequence[str], first: int) -> list[list[dict[str, Any]]]:
    return all_per_id(await db.read(queries.api.get_similar_customers, ids=list(ids), first=first), ids)


async def referrals_by_customer(db: AsyncDatabase, ids: Sequence[str], first: int) -> list[list[dict[str, Any]]]:
    """Per customer: ``{other, direction: REFERRED|REFERRED_BY, at}``, newest first, at most ``first``."""
    return all_per_id(await db.read(queries.api.get_customer_referrals, ids=list(ids), first=first), ids)


async def search_customers(db: AsyncDatabase, text: str, first: int, by_personal_data: bool) -> list[str]:
    """Ids of customers found by ``text``: the customer with that id, else (only when
    ``by_personal_data``) those whose e-mail is ``text`` or whose name contains it."""
    text = text.strip()
    if not text:
        return []
    if await existing_customers(db, [text]):
        return [text]
    if not by_personal_data:
        return []
    return [r["id"] for r in await db.read(queries.api.search_customers, text=text, first=first)]


async def orders_by_customer(db: AsyncDatabase, ids: Sequence[str], offset: int, first: int) -> list[dict[str, Any]]:
    rows = await db.read(queries.api.get_customer_orders, ids=list(ids), offset=offset, first=first)
    return one_per_id(rows, ids, {"total": 0, "page": []})


async def customer_page(db: AsyncDatabase, flt: CustomerFilter, first: int, after: str | None,
                        include_sensitive: bool) -> tuple[list[str], bool, int]:
    """Ids of one page (keyset on customerId), whether more follow, and the total count (two reads
    at once)."""
    params = flt.params(include_sensitive)
    rows, counted = await asyncio.gather(db.read(queries.api.list_customer_ids, after=after, limit=first + 1, **params),
                                         db.read(queries.api.count_customers, **params))
    ids = [r["id"] for r in rows]
    return ids[:first], len(ids) > first, int(counted[0]["n"])


async def existing_customers(db: AsyncDatabase, ids: Sequence[str]) -> set[str]:
    return {r["id"] for r in await db.read(queries.api.find_existing_customers, ids=list(ids))}
