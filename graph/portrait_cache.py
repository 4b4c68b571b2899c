"""A per-process portrait cache that is never stale.

Every read still costs the one round trip of :func:`ckg.graph.portrait.fetch_portrait`, but with
the cached version as ``known``: while it is current, Neo4j reads only the customer's own fields
and the version, and the cached tags and communities are used. The version moves whenever a write
changes the portrait (:mod:`ckg.graph.changes`), whichever worker or CLI made it, so no worker
serves a portrait older than the read. Entries are keyed by customer and by whether sensitive
tags may be shown (the caller's role), bounded in number (least recently used evicted) and
re-read in full after ``max_age`` seconds, the bound for any write that does not move the version.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace

from ckg.graph.async_db import AsyncDatabase
from ckg.graph.portrait import PortraitData, fetch_portrait

MAX_ENTRIES = 10_000
MAX_AGE_SECONDS = 60.0


@dataclass
class _Entry:
    data: PortraitData
    stored: float


class PortraitCache:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_age: float = MAX_AGE_SECONDS,
                 clock: Callable[[], float] = time.monotonic,
                 on_result: Callable[[bool], None] | None = None) -> None:
        """``on_result``: told of every lookup, True for a hit (the API's metrics)."""
        self.max_entries = max_entries
        self.max_age = max_age
        self._clock = clock
        self._entries: OrderedDict[tuple[str, bool], _Entry] = OrderedDict()
        self.hits = 0
        self.misses = 0
        self._on_result = on_result or (lambda hit: None)

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, db: AsyncDatabase, customer_id: str, include_sensitive: bool) -> PortraitData | None:
        """The customer's portrait as of now (None: no such customer), from the cache when current."""
        key = (customer_id, include_sensitive)
        now = self._clock()
        entry = self._entries.get(key)
        if entry is not None and now - entry.stored > self.max_age:
            entry = None
        data = await fetch_portrait(db, customer_id, include_sensitive, entry.data.version if entry else None)
        if data is None:
            self.invalidate(customer_id)
            return None
        if not data.fresh:
            entry = self._entries.get(key)
            # A consent change is a change even if the version move after it failed: read in full.
            if entry is not None and entry.data.version == data.version \
                    and entry.data.customer.get("allowedUses") == data.customer.get("allowedUses"):
                self.hits += 1
                self._on_result(True)
                self._entries.move_to_end(key)
                return replace(entry.data, customer=data.customer)
            # Evicted or replaced while we awaited: read in full.
            data = await fetch_portrait(db, customer_id, include_sensitive, None)
            if data is None:
                return None
        self.misses += 1
        self._on_result(False)
        data = replace(data, read_at=now)
        self._entries[key] = _Entry(data, now)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return data

    def invalidate(self, customer_id: str) -> None:
        """Drop a customer's entries (a write of this process changed their portrait)."""
        for sensitive in (False, True):
            self._entries.pop((customer_id, sensitive), None)

    def clear(self) -> None:
        self._entries.clear()

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0
