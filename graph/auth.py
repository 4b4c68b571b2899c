"""API tokens: random bearer secrets mapped to roles; only a SHA-256 hash is stored.

Each token has a unique name (audit entries name it), an optional expiry, and can be revoked.
A running API caches lookups (:class:`TokenCache`): a revoked token stops working within
``CACHE_SECONDS`` (30 s); an expired one at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from ckg.graph.async_db import AsyncDatabase
from ckg.graph.db import Database, Row
from ckg.graph.errors import CkgError, NotFound
from ckg.graph.queries import queries


class Role(StrEnum):
    ANALYST = "analyst"
    MARKETER = "marketer"
    ADMIN = "admin"


#: What each role may read beyond the portrait itself.
CAN_READ_PII = {Role.MARKETER, Role.ADMIN}
CAN_READ_SENSITIVE = {Role.ADMIN}
#: How long a running API trusts a token it looked up: the bound on how late a revocation bites.
CACHE_SECONDS = 30.0
#: How long an unknown token is remembered as unknown (a new token works after at most this).
MISS_SECONDS = 5.0
#: Most tokens the cache holds (least recently used ones go first).
CACHE_ENTRIES = 10_000
#: "Last used" is written at most this often per token.
LAST_USED_SECONDS = 60.0

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_DURATION = re.compile(r"^\s*(\d{1,6})\s*([dhm])\s*$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class TokenError(CkgError):
    """A token cannot be made as asked (name in use or malformed, bad expiry)."""


@dataclass(frozen=True)
class ApiToken:
    """What a valid token stands for."""

    name: str
    role: Role
    expires_at: datetime | None = None


@dataclass(frozen=True)
class TokenListing:
    """One row of ``ckg token list``: never the secret nor its hash."""

    name: str
    role: str
    created_at: datetime | None
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def status(self, now: datetime | None = None) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= (now or datetime.now(UTC)):
            return "expired"
        return "active"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_expiry(text: str) -> timedelta:
    """``30d``, ``12h`` or ``45m`` as a duration; anything else is a :class:`TokenError`."""
    match = _DURATION.match(text)
    if not match or int(match.group(1)) == 0:
        raise TokenError(f"invalid expiry {text!r}: use a positive number of days, hours or minutes "
                         "such as 30d, 12h or 45m")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _when(millis: Any) -> datetime | None:
    return None if millis is None else datetime.fromtimestamp(millis / 1000, UTC)


def create_token(db: Database, role: Role, name: str = "", expires_in: timedelta | None = None) -> str:
    """Make a token for ``role``; the token itself is returned once and never stored.

    ``name`` must be unused (by any token, revoked ones included); without one the token is named
    after its role plus a random suffix. ``expires_in`` makes it stop working after that long.
    """
    name = name or f"{role.value}-{secrets.token_hex(3)}"
    if not _NAME.match(name):
        raise TokenError(f"invalid token name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-', "
                         "starting with a letter or digit")
    if expires_in is not None and expires_in <= timedelta(0):
        raise TokenError("a token's expiry must lie in the future")
    token = "ckg_" + secrets.token_urlsafe(32)
    seconds = None if expires_in is None else int(expires_in.total_seconds())
    rows = db.write(queries.api.create_api_token, hash=token_hash(token), role=role.value, name=name,
                    expiresSeconds=seconds)
    if not rows or not rows[0]["created"]:
        raise TokenError(f"a token named {name!r} already exists (names are never reused, not even after "
                         "revocation): choose another name")
    return token


def list_tokens(db: Database) -> list[TokenListing]:
    """Every token, oldest first, without secrets."""
    return [TokenListing(name=r["name"], role=r["role"], created_at=_when(r["createdAtMs"]),
                         expires_at=_when(r["expiresAtMs"]), last_used_at=_when(r["lastUsedAtMs"]),
                         revoked_at=_when(r["revokedAtMs"]))
            for r in db.read(queries.api.list_api_tokens)]


def revoke_token(db: Database, name: str) -> bool:
    """Revoke the token called ``name``; False if it already was. Unknown names raise :class:`NotFound`."""
    rows = db.write(queries.api.revoke_api_token, name=name)
    if not rows:
        raise NotFound(f"no token named {name!r} (`ckg token list` shows them)")
    return not rows[0]["alreadyRevoked"]


@dataclass
class _Entry:
    fetched: float  # monotonic time of the lookup
    token: ApiToken | None  # None: unknown, revoked or expired
    touched: float  # monotonic time "last used" was last known to be written


class TokenCache:
    """Token -> :class:`ApiToken` lookups with a short, bounded cache, so a request costs no round trip.

    A hit is trusted for ``hit_seconds`` (so a revocation takes effect within that), a miss for
    ``miss_seconds``; at most ``max_entries`` tokens are held (least recently used evicted).
    Expiry is checked on every request. "Last used" is written at most every ``touch_seconds``.
    """

    def __init__(self, db: Database, *, hit_seconds: float = CACHE_SECONDS, miss_seconds: float = MISS_SECONDS,
                 max_entries: int = CACHE_ENTRIES, touch_seconds: float = LAST_USED_SECONDS,
                 clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.db = db
        self.hit_seconds = hit_seconds
        self.miss_seconds = miss_seconds
        self.max_entries = max_entries
        self.touch_seconds = touch_seconds
        self._clock = clock
        self._wall_clock = wall_clock
        self._cache: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        #: Lookups on the async driver in flight, by token hash (one event loop per API worker).
        self._pending: dict[str, asyncio.Future[_Entry]] = {}

    def __len__(self) -> int:
        return len(self._cache)

    def lookup(self, token: str) -> ApiToken | None:
        """The token's name and role, or None when it is unknown, revoked or expired."""
        key = token_hash(token)
        now = self._clock()
        entry = self._fresh(key, now)
        if entry is None:
            entry = self._store(key, self.db.read(queries.api.find_api_token, hash=key), now)
        found = self._valid(entry)
        if found is not None and self._claim_touch(entry, now):
            self.db.write(queries.api.touch_api_token, hash=key, everySeconds=int(self.touch_seconds))
        return found

    async def lookup_async(self, token: str, db: AsyncDatabase) -> ApiToken | None:
        """:meth:`lookup` on the async driver, for an event loop: no thread is taken, and while one
        request looks a token up, the others with the same token wait for its answer rather than each
        asking Neo4j (when a cached entry ends, every request in flight would otherwise ask at once)."""
        key = token_hash(token)
        now = self._clock()
        entry = self._fresh(key, now)
        if entry is None:
            pending = self._pending.get(key)
            if pending is None:
                # a task of its own: a request cancelled while it waits does not cancel the others' answer
                pending = asyncio.ensure_future(self._read_async(key, db, now))
                self._pending[key] = pending
                pending.add_done_callback(lambda done: self._settled(key, done))
            entry = await asyncio.shield(pending)
        found = self._valid(entry)
        if found is not None and self._claim_touch(entry, now):
            await db.write(queries.api.touch_api_token, hash=key, everySeconds=int(self.touch_seconds))
        return found

    async def _read_async(self, key: str, db: AsyncDatabase, now: float) -> _Entry:
        return self._store(key, await db.read(queries.api.find_api_token, hash=key), now)

    def _settled(self, key: str, done: asyncio.Future[_Entry]) -> None:
        if self._pending.get(key) is done:
            del self._pending[key]
        if not done.cancelled():
            done.exception()  # retrieved: no "never retrieved" warning when every waiter was cancelled

    def _fresh(self, key: str, now: float) -> _Entry | None:
        """The cached entry while it may be trusted, else None."""
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                return None
            ttl = self.hit_seconds if entry.token is not None else self.miss_seconds
            if now - entry.fetched >= ttl:
                return None
            self._cache.move_to_end(key)
            return entry

    def _valid(self, entry: _Entry) -> ApiToken | None:
        found = entry.token
        if found is None or (found.expires_at is not None and found.expires_at <= self._wall_clock()):
            return None
        return found

    def cached(self, token: str) -> tuple[bool, ApiToken | None]:
        """``(True, answer)`` when :meth:`lookup` would answer without Neo4j (a fresh entry, no "last
        used" write due), so an event loop may call it; ``(False, None)`` otherwise."""
        key = token_hash(token)
        now = self._clock()
        with self._lock:
            entry = self._cache.get(key)
            if entry is None or entry.token is None or now - entry.fetched >= self.hit_seconds \
                    or now - entry.touched >= self.touch_seconds:
                return False, None
            self._cache.move_to_end(key)
        found = entry.token
        if found.expires_at is not None and found.expires_at <= self._wall_clock():
            return True, None
        return True, found

    def role(self, token: str) -> Role | None:
        found = self.lookup(token)
        return None if found is None else found.role

    def _store(self, key: str, rows: list[Row], now: float) -> _Entry:
        """Cache what ``find_api_token`` answered for ``key``."""
        if rows:
            row = rows[0]
            since = row["secondsSinceUsed"]
            entry = _Entry(now, ApiToken(row["name"], Role(row["role"]), _when(row["expiresAtMs"])),
                           touched=now - (since if since is not None else self.touch_seconds))
        else:
            entry = _Entry(now, None, touched=now)
        with self._lock:
            old = self._cache.get(key)
            if old is not None:
                entry.touched = max(entry.touched, old.touched)
            self._cache[key] = entry
            self._cache.move_to_end(key)
            while len(self._cache) > self.max_entries:
                self._cache.popitem(last=False)
        return entry

    def _claim_touch(self, entry: _Entry, now: float) -> bool:
        """True when "last used" is due and this caller is the one to write it (concurrent requests
        with the same token write nothing)."""
        with self._lock:
            if now - entry.touched < self.touch_seconds:
                return False
            entry.touched = now
            return True
