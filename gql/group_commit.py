"""Group commit for the API's writes that refresh portraits: ``recordEvents``, ``refreshTags`` of some
customers and ``recordConsent``'s refresh, one group at a time per worker.

Writing the events of twenty requests in one transaction, and refreshing their customers in one
incremental refresh, costs little more than doing it for one: the statements read a few
neighbourhoods, and on a server that has just started most of the time goes to planning and the
JVM's warm-up, paid once per statement whatever the number of rows. So a worker runs one group at a
time, and the requests that arrive while it runs make up the next one. On a warm server a request
waits at most for the group in front of it (tens of milliseconds); on a cold one, after a restart,
forty requests a second no longer hold forty connections, each planning the same statements.

Each request still waits for its own group, so the portrait read after its answer has the new
tags. When a group of several fails with an error that may be one request's doing (not Neo4j
being unreachable), each of its requests is run again alone, so one request cannot fail the others
(the writes are idempotent: events merge on their id); otherwise each request of the group gets
the group's error. A request whose client went away leaves its group to run: its writes are part
of the group's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

I = TypeVar("I")  # noqa: E741 - one request's part of a group
R = TypeVar("R")


@dataclass
class _Waiter(Generic[I, R]):
    item: I
    done: asyncio.Future[R] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


def _retrieve(done: asyncio.Future[Any]) -> None:
    """An error nobody awaits any more (the client left) is not logged as never retrieved."""
    if not done.cancelled():
        done.exception()


class GroupCommit(Generic[I, R]):
    """``await submit(item)``: ``run`` called with this item and those submitted beside it, one call
    at a time; returns this item's result (``run`` returns one per item, in order)."""

    def __init__(self, run: Callable[[list[I]], Awaitable[Sequence[R]]], *, size: Callable[[I], int],
                 max_size: int, on_group: Callable[[int], None] | None = None,
                 shared: Callable[[Exception], bool] = lambda _: False) -> None:
        """A group takes items in order of arrival while their ``size`` sums to ``max_size`` at most
        (one item alone may pass it). ``on_group(items)``: told of each group before it runs.
        ``shared(error)``: the error is the whole group's (Neo4j unreachable), not possibly one
        item's; otherwise a failed group's items are run again one by one."""
        self._run = run
        self._shared = shared
        self._size = size
        self._max = max_size
        self._on_group = on_group
        self._waiting: list[_Waiter[I, R]] = []
        self._runner: asyncio.Task[None] | None = None

    async def submit(self, item: I) -> R:
        waiter: _Waiter[I, R] = _Waiter(item)
        waiter.done.add_done_callback(_retrieve)
        self._waiting.append(waiter)
        if self._runner is None or self._runner.done():
            self._runner = asyncio.get_running_loop().create_task(self._drain())
        # shield: a request cancelled (its client gone) must not cancel the group it is part of
        return await asyncio.shield(waiter.done)

    def _next_group(self) -> list[_Waiter[I, R]]:
        group: list[_Waiter[I, R]] = []
        total = 0
        while self._waiting:
            size = self._size(self._waiting[0].item)
            if group and total + size > self._max:
                break
            group.append(self._waiting.pop(0))
            total += size
        return group

    async def _drain(self) -> None:
        while self._waiting:
            group = self._next_group()
            if self._on_group is not None:
                self._on_group(len(group))
            try:
                await self._settle(group)
            except BaseException:  # the worker is stopping: no request waits for ever
                for w in group:
                    w.done.cancel()  # a no-op for those already answered
                raise

    async def _settle(self, group: list[_Waiter[I, R]]) -> None:
        """Run the group and answer each of its requests; a failed group of several whose error
        may be one request's doing is run again one request at a time."""
        try:
            results = list(await self._run([w.item for w in group]))
            if len(results) != len(group):
                raise RuntimeError(f"a group of {len(group)} got {len(results)} results")
        except Exception as exc:
            if len(group) > 1 and not self._shared(exc):
                for w in group:
                    await self._settle([w])
                return
            for w in group:
                if not w.done.done():
                    w.done.set_exception(exc)
            return
        for w, result in zip(group, results, strict=True):
            if not w.done.done():
                w.done.set_result(result)

    async def close(self) -> None:
        """Wait for the groups already submitted (the worker is stopping)."""
        if self._runner is not None:
            await asyncio.gather(self._runner, return_exceptions=True)
