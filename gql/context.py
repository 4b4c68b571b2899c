"""Per-request context handed to every resolver."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from graph.db import Database


@dataclass
class Context:
    request: Request
    db: Database
