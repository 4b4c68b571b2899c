"""Who is watching which portraits, and telling them when a portrait's version moves.

Neo4j Community has no change data capture, so the watch polls: while anyone watches, one task per
process reads the versions of the watched customers (:func:`ckg.graph.changes.portrait_versions`,
one round trip for all of them) every ``POLL_SECONDS``, and at once when this process itself
changed a portrait (:meth:`PortraitWatch.poke`). A watcher is told the new version; None means
the customer is gone (erased).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from ckg.graph.async_db import AsyncDatabase
from ckg.graph.changes import Version, portrait_versions
from ckg.graph.errors import CkgError
from ckg.graph.portrait_cache import PortraitCache

log = logging.getLogger("ckg.watch")
POLL_SECONDS = 0.1
#: Back-off while Neo4j is unreachable.
DOWN_SECONDS = 1.0


class PortraitWatch:
    def __init__(self, db: AsyncDatabase, cache: PortraitCache | None = None,
                 poll_seconds: float = POLL_SECONDS) -> None:
        self.db = db
        self.cache = cache
        self.poll_seconds = poll_seconds
        self._watchers: dict[str, set[asyncio.Queue[Version | None]]] = {}
        self._versions: dict[str, Version | None] = {}
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def __len__(self) -> int:
        return sum(len(q) for q in self._watchers.values())

    @contextlib.asynccontextmanager
    async def watching(self, customer_id: str) -> AsyncIterator[asyncio.Queue[Version | None]]:
        """A queue that receives the customer's portrait version each time it moves."""
        queue: asyncio.Queue[Version | None] = asyncio.Queue()
        first = customer_id not in self._watchers
        self._watchers.setdefault(customer_id, set()).add(queue)
        if first:
            found = await portrait_versions(self.db, [customer_id])
            self._versions[customer_id] = found.get(customer_id)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._poll(), name="ckg-portrait-watch")
        try:
            yield queue
        finally:
            queues = self._watchers.get(customer_id)
            if queues is not None:
                queues.discard(queue)
                if not queues:
                    del self._watchers[customer_id]
                    self._versions.pop(customer_id, None)

    def poke(self) -> None:
        """This process changed a portrait: poll now rather than at the next tick."""
        self._wake.set()

    async def _poll(self) -> None:
        while self._watchers:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
            ids = list(self._watchers)
            if not ids:
                break
            try:
                found = await portrait_versions(self.db, ids)
            except CkgError as exc:
                log.warning("portrait watch: %s; retrying in %.0f s", exc, DOWN_SECONDS)
                await asyncio.sleep(DOWN_SECONDS)
                continue
            for cid in ids:
                version = found.get(cid)
                if cid in self._versions and self._versions[cid] != version:
                    self._versions[cid] = version
                    if self.cache is not None:
                        self.cache.invalidate(cid)
                    for queue in self._watchers.get(cid, ()):
                        queue.put_nowait(version)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
