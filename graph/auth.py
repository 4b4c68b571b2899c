"""API tokens: random bearer secrets mapped to roles; only a SHA-256 hash is stored."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from enum import StrEnum

from ckg.graph.db import Database
from ckg.graph.queries import queries


class Role(StrEnum):
    ANALYST = "analyst"
    MARKETER = "marketer"
    ADMIN = "admin"


#: What each role may read beyond the portrait itself.
CAN_READ_PII = {Role.MARKETER, Role.ADMIN}
CAN_READ_SENSITIVE = {Role.ADMIN}
CACHE_SECONDS = 30.0


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(db: Database, role: Role, name: str = "") -> str:
    """Make a token for ``role``; the token itself is returned once and never stored."""
    token = "ckg_" + secrets.token_urlsafe(32)
    db.write(queries.api.create_api_token, hash=token_hash(token), role=role.value, name=name or role.value)
    return token


class TokenCache:
    """Token -> role lookups with a short cache, so a request costs no extra round trip."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._cache: dict[str, tuple[float, Role | None]] = {}
        self._lock = threading.Lock()

    def role(self, token: str) -> Role | None:
        key = token_hash(token)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit and now - hit[0] < CACHE_SECONDS:
                return hit[1]
        rows = self.db.read(queries.api.find_api_token, hash=key)
        role = Role(rows[0]["role"]) if rows else None
        with self._lock:
            self._cache[key] = (now, role)
        return role
