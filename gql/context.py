"""Per-request context: the database, the caller's token (its role and name) and this request's DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import HTTPConnection

from ckg.gql.loaders import Loaders
from ckg.graph.async_db import AsyncDatabase
from ckg.graph.auth import CAN_READ_PII, CAN_READ_SENSITIVE, Role
from ckg.graph.db import Database


@dataclass
class Context:
    request: HTTPConnection
    db: Database
    role: Role
    #: The name of the caller's token (``ckg token list``); audit entries name it.
    token_name: str = ""
    loaders: Loaders = field(init=False)
    extras: dict[str, Any] = field(default_factory=dict)
    #: A WebSocket's ``connection_init`` payload (subscriptions send their token there).
    connection_params: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        self.fresh_loaders()

    def fresh_loaders(self) -> None:
        """New DataLoaders: per request, and per event of a subscription (its data changed)."""
        batch = getattr(self.request.app.state, "batch_loads", True)
        self.loaders = Loaders(self.adb, include_sensitive=self.can_read_sensitive, batch=batch)

    @property
    def adb(self) -> AsyncDatabase:
        """The process's async driver: portraits, pages and lookups, on the event loop."""
        adb: AsyncDatabase = self.request.app.state.adb
        return adb

    @property
    def can_read_pii(self) -> bool:
        return self.role in CAN_READ_PII

    @property
    def can_read_sensitive(self) -> bool:
        return self.role in CAN_READ_SENSITIVE
