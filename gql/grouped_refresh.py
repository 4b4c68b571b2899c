"""The incremental refreshes of ``recordEvents`` and ``refreshTags(customerIds)``, grouped per worker.

A refresh of some customers costs about the same for one customer as for twenty: its statements
read a few neighbourhoods, and on a server that has just started, most of the time goes to planning
and the JVM's warm-up, paid once per statement whatever the number of customers. So a worker runs
one such refresh at a time: the requests that arrive while it runs wait for the next one, which
covers all their customers at once (a group commit). On a warm server, one at a time costs a
request at most the refresh in front of it (tens of milliseconds); on a cold one, after a restart,
forty requests a second no longer hold forty connections, each planning the same statements.

Each request still waits for its own customers' refresh, so the portrait read after its answer has
the new tags. A refresh that fails fails every request of its group, with the same error. A request
whose client went away leaves the refresh of its group to run: the events are stored, so their
tags are made all the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

R = TypeVar("R")

#: The most customers one grouped refresh covers (the requests after them wait for the next one).
MAX_CUSTOMERS = 500


@dataclass
class _Waiter(Generic[R]):
    customers: list[str]
    done: asyncio.Future[R] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


def _retrieve(done: asyncio.Future[Any]) -> None:
    if not done.cancelled():
        done.exception()


class GroupedRefresh(Generic[R]):
    """``await refresh(ids)``: ``run`` called for these customers together with those of the
    requests waiting beside them, one call at a time; returns that call's result."""

    def __init__(self, run: Callable[[list[str]], Awaitable[R]], *,
                 on_group: Callable[[int, int], None] | None = None, max_customers: int = MAX_CUSTOMERS) -> None:
        """``on_group(requests, customers)``: told of each group before it runs (metrics)."""
        self._run = run
        self._on_group = on_group
        self._max = max_customers
        self._waiting: list[_Waiter[R]] = []
        self._runner: asyncio.Task[None] | None = None

    async def refresh(self, customers: Sequence[str]) -> R:
        waiter: _Waiter[R] = _Waiter(sorted(set(customers)))
        waiter.done.add_done_callback(_retrieve)  # an error nobody awaits any more is not logged as lost
        self._waiting.append(waiter)
        if self._runner is None or self._runner.done():
            self._runner = asyncio.get_running_loop().create_task(self._drain())
        # shield: a request cancelled (its client gone) must not cancel the group it is part of
        return await asyncio.shield(waiter.done)

    def _next_group(self) -> list[_Waiter[R]]:
        """The waiters in order of arrival, as many as fit in one group (always at least one)."""
        group: list[_Waiter[R]] = []
        customers: set[str] = set()
        while self._waiting:
            wanted = customers.union(self._waiting[0].customers)
            if group and len(wanted) > self._max:
                break
            group.append(self._waiting.pop(0))
            customers = wanted
        return group

    async def _drain(self) -> None:
        while self._waiting:
            group = self._next_group()
            customers = sorted({c for w in group for c in w.customers})
            if self._on_group is not None:
                self._on_group(len(group), len(customers))
            try:
                result = await self._run(customers)
            except BaseException as exc:  # every request of the group gets the error
                for w in group:
                    if not w.done.done():
                        w.done.set_exception(exc if isinstance(exc, Exception) else asyncio.CancelledError())
                if not isinstance(exc, Exception):
                    raise  # the worker is stopping
            else:
                for w in group:
                    if not w.done.done():
                        w.done.set_result(result)

    async def close(self) -> None:
        """Wait for the groups already asked for (the worker is stopping)."""
        if self._runner is not None:
            await asyncio.gather(self._runner, return_exceptions=True)
