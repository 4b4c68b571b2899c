"""A customer's portrait: their tags grouped by dimension, with propensity figures.

:func:`fetch_portrait` reads everything a portrait shows in one round trip (one statement,
``cypher/api/get_portrait.cypher``, through the async driver): the customer, their current tags
(``HAS_TAG``) and communities, and the portrait's version (:mod:`ckg.graph.changes`). Tag
descriptions are not read from the graph: :func:`tag_description` takes them from the in-memory
catalogue. A portrait as of another time would be another statement with the same row shape
(customer, tags, communities), read by another function beside this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ckg.graph.async_db import AsyncDatabase
from ckg.graph.changes import Version, as_version
from ckg.graph.queries import queries
from ckg.graph.tags.catalogue import B2C_DIMENSIONS, family_of


@dataclass
class Portrait:
    customer_id: str
    dimensions: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    p_alive: float | None = None
    expected_purchases_90d: float | None = None


@dataclass(frozen=True)
class PortraitData:
    """What one read returns: the customer's fields, tags and communities, and their version."""

    customer: dict[str, Any]
    tags: list[dict[str, Any]]
    communities: list[dict[str, Any]]
    version: Version
    #: False when only the customer's fields were read (the cached tags and communities are current).
    fresh: bool = True
    #: When the tags and communities were read (the portrait cache's clock); None: not known.
    read_at: float | None = None


def assemble(customer: dict[str, Any], tags: list[dict[str, Any]]) -> Portrait:
    """Group ``tags`` by dimension in catalogue order (dimensions with no tag are left out)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for t in tags:
        grouped.setdefault(t["dimension"], []).append(t)
    order = list(B2C_DIMENSIONS) + sorted(d for d in grouped if d not in B2C_DIMENSIONS)
    return Portrait(customer["id"], [(d, grouped[d]) for d in order if d in grouped],
                    customer.get("pAlive"), customer.get("expected90d"))


@lru_cache(maxsize=4096)
def tag_description(tag: str) -> str | None:
    """The description of a tag's family, from the catalogue (None for a tag no family declares)."""
    try:
        return family_of(tag).description
    except KeyError:
        return None


async def fetch_portrait(db: AsyncDatabase, customer_id: str, include_sensitive: bool,
                         known: Version | None = None) -> PortraitData | None:
    """One round trip. None when there is no such customer. When ``known`` is still the current
    version, ``tags`` and ``communities`` are left empty and ``fresh`` is False: the caller holds them."""
    rows = await db.read(queries.api.get_portrait, id=customer_id, includeSensitive=include_sensitive,
                         known=list(known) if known is not None else None)
    if not rows:
        return None
    row = rows[0]
    raw = row.pop("version")
    tags, communities = row.pop("tags"), row.pop("communities")
    version = as_version(raw)
    if tags is None:
        return PortraitData(row, [], [], version, fresh=False)
    for t in tags:
        t["description"] = tag_description(t["name"])
    return PortraitData(row, tags, communities, version)


@dataclass(frozen=True)
class PortraitHead:
    """A portrait's customer fields and version, without its tags: enough to tell a cached answer
    built from one read still shows what a read now would."""

    customer: dict[str, Any]
    version: Version


async def portrait_heads(db: AsyncDatabase, customer_ids: list[str]) -> dict[str, PortraitHead]:
    """One round trip for many customers; a customer who is gone (or never was) is missing."""
    rows = await db.read(queries.api.get_portrait_heads, ids=customer_ids)
    heads = {}
    for row in rows:
        raw = row.pop("version")
        heads[str(row["id"])] = PortraitHead(row, as_version(raw))
    return heads
