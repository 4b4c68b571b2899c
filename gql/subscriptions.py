"""``portraitChanged(customerId)``: a live portrait over the graphql-transport-ws protocol.

The watch (:mod:`ckg.graph.portrait_watch`) says when the customer's portrait version moved (after
recordEvents, a refresh or a consent change, made by any worker or the CLI); the subscription then
reads the portrait as a query would, with the subscriber's role (no sensitive tag without it; PII
fields behind the same permissions; sensitive tags sent are audited), and pushes what changed.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import strawberry
from strawberry.types import Info

from ckg.gql import metrics
from ckg.gql import types as t
from ckg.graph.portrait import PortraitData

#: What makes a tag "changed" for a subscriber; computedAt alone moves at every refresh.
COMPARED = ("weight", "confidence", "source", "evidence", "sensitive")


def _signature(tags: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    return {x["name"]: tuple(repr(x.get(k)) for k in COMPARED) for x in tags}


async def portrait_changed(info: Info, customer_id: strawberry.ID) -> AsyncGenerator[t.PortraitChange, None]:
    """Push the customer's changed tags each time their portrait changes."""
    state = info.context.request.app.state
    cid = str(customer_id)
    sensitive = info.context.can_read_sensitive

    async def read() -> PortraitData | None:
        data: PortraitData | None = await state.portraits.get(state.adb, cid, sensitive)
        return data

    metrics.SUBSCRIPTIONS.inc()
    try:
        async for change in _changes(info, state, cid, read, customer_id):
            yield change
    finally:
        metrics.SUBSCRIPTIONS.dec()


async def _changes(info: Info, state: Any, cid: str, read: Callable[[], Awaitable[PortraitData | None]],
                   customer_id: strawberry.ID) -> AsyncGenerator[t.PortraitChange, None]:
    async with state.watch.watching(cid) as versions:
        first = await read()
        if first is None:
            return
        before = _signature(first.tags)
        while True:
            version = await versions.get()
            data = None if version is None else await read()
            info.context.fresh_loaders()  # the last event's answers are out of date
            if data is None:
                yield t.PortraitChange(customer_id=customer_id, changed=[], removed=sorted(before), erased=True,
                                       portrait=None)
                return
            now = _signature(data.tags)
            changed = [x for x in data.tags if before.get(x["name"]) != now[x["name"]]]
            removed = sorted(set(before) - set(now))
            before = now
            if changed or removed:
                yield t.PortraitChange(customer_id=customer_id, changed=[t.Tag.of(x) for x in changed],
                                       removed=removed, erased=False, portrait=t.portrait_of(info, data))
