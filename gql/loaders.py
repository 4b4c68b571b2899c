"""DataLoaders, created per request: N customers cost one query per field, not N; on the async driver,
with no thread-pool hop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from ckg.graph import customers, enterprises
from ckg.graph.async_db import AsyncDatabase

K = TypeVar("K")
V = TypeVar("V")


def _batched(fn: Callable[[list[K]], Awaitable[Sequence[V]]], batch: bool = True) -> DataLoader[K, V]:
    async def load(keys: list[K]) -> list[V]:
        return list(await fn(keys))

    return DataLoader(load_fn=load, max_batch_size=None if batch else 1)


class Loaders:
    def __init__(self, db: AsyncDatabase, include_sensitive: bool, batch: bool = True) -> None:
        """``batch=False`` loads one key per query: the naive N+1 baseline the benchmark measures."""
        self.customer: DataLoader[str, dict[str, Any] | None] = _batched(
            lambda ids: customers.customers_by_id(db, ids), batch)
        self.tags: DataLoader[str, list[dict[str, Any]]] = _batched(
            lambda ids: customers.tags_by_customer(db, ids, include_sensitive), batch)
        self.communities: DataLoader[str, list[dict[str, Any]]] = _batched(
            lambda ids: customers.communities_by_customer(db, ids), batch)
        self.enterprise: DataLoader[str, dict[str, Any] | None] = _batched(
            lambda ids: enterprises.enterprises_by_id(db, ids), batch)
        self.enterprise_tags: DataLoader[str, list[dict[str, Any]]] = _batched(
            lambda ids: enterprises.tags_by_enterprise(db, ids), batch)
        self._similar: dict[int, DataLoader[str, list[dict[str, Any]]]] = {}
        self._orders: dict[tuple[int, int], DataLoader[str, dict[str, Any]]] = {}
        self._referrals: dict[int, DataLoader[str, list[dict[str, Any]]]] = {}
        self._db = db
        self._batch = batch

    def similar(self, first: int) -> DataLoader[str, list[dict[str, Any]]]:
        """One loader per page size, so a page of customers asking the same ``first`` shares a query."""
        if first not in self._similar:
            self._similar[first] = _batched(lambda ids: customers.similar_by_customer(self._db, ids, first),
                                            self._batch)
        return self._similar[first]

    def referrals(self, first: int) -> DataLoader[str, list[dict[str, Any]]]:
        if first not in self._referrals:
            self._referrals[first] = _batched(lambda ids: customers.referrals_by_customer(self._db, ids, first),
                                                self._batch)
        return self._referrals[first]

    def orders(self, offset: int, first: int) -> DataLoader[str, dict[str, Any]]:
        key = (offset, first)
        if key not in self._orders:
            self._orders[key] = _batched(lambda ids: customers.orders_by_customer(self._db, ids, offset, first),
                                          self._batch)
        return self._orders[key]
