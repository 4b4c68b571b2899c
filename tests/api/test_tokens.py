"""API tokens that do not live forever: unique names, expiry, list, revoke, a bounded cache, audit by name."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from ckg.cli import api_commands
from ckg.cli.main import app as cli
from ckg.gql.app import create_app
from ckg.graph.async_db import AsyncDatabase
from ckg.graph.auth import (
    CACHE_ENTRIES,
    CACHE_SECONDS,
    MISS_SECONDS,
    ApiToken,
    Role,
    TokenCache,
    TokenError,
    create_token,
    list_tokens,
    revoke_token,
    token_hash,
)
from ckg.graph.db import Database
from ckg.graph.errors import DatabaseUnavailable
from ckg.graph.queries import Query
from ckg.graph.settings import Settings
from tests.conftest import Neo4jUnderTest


@pytest.fixture
def api(neo4j_server: Neo4jUnderTest, session_db: Database) -> Iterator[TestClient]:
    """A fresh API (its own token cache) over the session's Neo4j; these tests need no dataset."""
    with TestClient(create_app(neo4j_server.settings)) as client:
        yield client


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ask(client: TestClient, headers: dict[str, str] | None = None) -> Any:
    return client.post("/graphql", json={"query": "{ __typename }"}, headers=headers or {})


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run_cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.setattr(api_commands, "get_settings", lambda: settings)
    return CliRunner().invoke(cli, ["token", *args], env={"COLUMNS": "200"})


def test_token_names_are_unique(session_db: Database) -> None:
    name = unique("dup")
    create_token(session_db, Role.ANALYST, name)
    with pytest.raises(TokenError, match="already exists"):
        create_token(session_db, Role.ADMIN, name)
    revoke_token(session_db, name)
    with pytest.raises(TokenError, match="already exists"):  # revoked tokens keep their names
        create_token(session_db, Role.ANALYST, name)
    # Without a name a token gets a fresh one, so callers that never named tokens keep working.
    first, second = create_token(session_db, Role.ANALYST), create_token(session_db, Role.ANALYST)
    assert first != second


def test_cli_create_list_revoke(settings: Settings, session_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    other = create_token(session_db, Role.ADMIN, unique("other"))
    name = unique("bob")
    made = run_cli(settings, monkeypatch, "create", "--role", "analyst", "--name", name, "--expires", "30d")
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("ckg_")
    row = next(t for t in list_tokens(session_db) if t.name == name)
    assert row.role == "analyst" and row.created_at and row.expires_at
    assert timedelta(days=29, hours=23) < row.expires_at - row.created_at <= timedelta(days=30, seconds=5)

    again = run_cli(settings, monkeypatch, "create", "--role", "admin", "--name", name)
    assert again.exit_code == 1 and "error:" in again.output and "already exists" in again.output
    bad = run_cli(settings, monkeypatch, "create", "--role", "analyst", "--name", unique("x"), "--expires", "soon")
    assert bad.exit_code == 1 and "invalid expiry" in bad.output

    listed = run_cli(settings, monkeypatch, "list")
    assert listed.exit_code == 0, listed.output
    for column in ("name", "role", "created", "expires", "last used"):
        assert column in listed.stdout
    assert name in listed.stdout and "active" in listed.stdout
    assert secret not in listed.output and token_hash(secret) not in listed.output
    assert other not in listed.output and token_hash(other) not in listed.output

    gone = run_cli(settings, monkeypatch, "revoke", name)
    assert gone.exit_code == 0 and "revoked" in gone.stdout
    assert next(t for t in list_tokens(session_db) if t.name == name).status() == "revoked"
    unknown = run_cli(settings, monkeypatch, "revoke", unique("nobody"))
    assert unknown.exit_code == 1 and "error:" in unknown.output and "no token named" in unknown.output


def test_revoked_and_expired_tokens_get_exactly_the_401_of_no_token(api: TestClient, session_db: Database) -> None:
    none = ask(api)
    assert none.status_code == 401 and none.headers["www-authenticate"] == 'Bearer realm="ckg"'
    unknown = ask(api, bearer("ckg_" + "x" * 43))

    revoked_name = unique("revoked")
    revoked = create_token(session_db, Role.ADMIN, revoked_name)
    revoke_token(session_db, revoked_name)
    expiring = create_token(session_db, Role.ADMIN, unique("expiring"), expires_in=timedelta(seconds=2))
    assert ask(api, bearer(expiring)).status_code == 200  # now cached as valid ...
    time.sleep(2.2)
    expired = ask(api, bearer(expiring))  # ... but expiry is checked on every request
    for resp in (unknown, ask(api, bearer(revoked)), expired):
        assert resp.status_code == 401
        assert resp.content == none.content
        assert resp.headers["www-authenticate"] == none.headers["www-authenticate"]
        assert resp.headers["content-type"] == none.headers["content-type"]


def test_revocation_takes_effect_within_the_cache_bound(api: TestClient, session_db: Database) -> None:
    clock = FakeClock()
    api.app.state.tokens = TokenCache(api.app.state.db, clock=clock)  # type: ignore[attr-defined]
    name = unique("soon-revoked")
    token = create_token(session_db, Role.ANALYST, name)
    assert ask(api, bearer(token)).status_code == 200
    revoke_token(session_db, name)
    clock.now += CACHE_SECONDS - 1
    assert ask(api, bearer(token)).status_code == 200  # still cached: the documented bound
    clock.now += 1
    assert ask(api, bearer(token)).status_code == 401
    assert CACHE_SECONDS == 30.0  # docs/graphql.md states it


def test_cache_keeps_hits_30s_and_misses_5s(session_db: Database) -> None:
    clock = FakeClock()
    cache = TokenCache(session_db, clock=clock)
    reads = session_db.round_trips

    def lookups(token: str) -> int:
        nonlocal reads
        cache.lookup(token)
        done, reads = session_db.round_trips - reads, session_db.round_trips
        return done

    assert lookups("ckg_unknown") == 1
    clock.now += MISS_SECONDS - 0.1
    assert lookups("ckg_unknown") == 0
    clock.now += 0.1
    assert lookups("ckg_unknown") == 1  # a miss is not trusted longer than MISS_SECONDS
    assert MISS_SECONDS <= 5

    token = create_token(session_db, Role.ANALYST, unique("cached"))
    reads = session_db.round_trips
    assert lookups(token) == 2  # read, plus "last used" the first time
    clock.now += CACHE_SECONDS - 0.1
    assert lookups(token) == 0
    clock.now += 0.1
    assert lookups(token) == 1  # a hit is not trusted longer than CACHE_SECONDS


class FakeDb:
    """Duck-typed Database for the LRU bound: every token ending in 'good' is valid."""

    def __init__(self) -> None:
        self.reads = 0

    def read(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        self.reads += 1
        if params["hash"] in self.good:
            return [{"role": "analyst", "name": "good", "expiresAtMs": None, "secondsSinceUsed": 0}]
        return []

    def write(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        return []

    good = {token_hash("ckg_good")}


def test_cache_is_a_bounded_lru() -> None:
    db = FakeDb()
    cache = TokenCache(db)  # type: ignore[arg-type]
    assert cache.lookup("ckg_good") is not None
    for i in range(CACHE_ENTRIES + 50):
        cache.lookup(f"ckg_random_{i}")
        if i % 1000 == 0:
            assert cache.lookup("ckg_good") is not None  # recently used: kept
    assert len(cache) == CACHE_ENTRIES == 10_000
    before = db.reads
    cache.lookup("ckg_good")
    assert db.reads == before  # still cached
    cache.lookup("ckg_random_0")
    assert db.reads == before + 1  # the oldest were evicted


def test_last_used_is_written_at_most_once_a_minute(api: TestClient, session_db: Database,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    db: Database = api.app.state.db  # type: ignore[attr-defined]
    adb: AsyncDatabase = api.app.state.adb  # type: ignore[attr-defined]  # the API looks tokens up on it
    writes: list[float] = []
    real_write = adb.write

    async def spy(query: Query, **params: Any) -> list[dict[str, Any]]:
        if query.name == "api/touch_api_token":
            writes.append(time.monotonic())
        return await real_write(query, **params)

    monkeypatch.setattr(adb, "write", spy)
    name = unique("busy")
    token = create_token(session_db, Role.ANALYST, name)
    assert next(t for t in list_tokens(session_db) if t.name == name).last_used_at is None
    for _ in range(30):
        assert ask(api, bearer(token)).status_code == 200
    assert len(writes) == 1  # 30 requests, one write
    assert next(t for t in list_tokens(session_db) if t.name == name).last_used_at is not None

    # The same rule with a one-second interval, to see it repeat: requests every 0.1 s for 2.5 s.
    writes.clear()
    api.app.state.tokens = TokenCache(db, touch_seconds=1.0)  # type: ignore[attr-defined]
    end = time.monotonic() + 2.5
    while time.monotonic() < end:
        assert ask(api, bearer(token)).status_code == 200
        time.sleep(0.1)
    assert 2 <= len(writes) <= 3
    assert all(b - a >= 0.99 for a, b in zip(writes, writes[1:], strict=False))


def test_requests_with_one_token_share_one_lookup(session_db: Database, settings: Settings) -> None:
    """When a cached token ends, the requests in flight with it wait for one read, not one each (a
    burst of reads when Neo4j is slow or just back held every request); a failed read fails them all
    and the next request asks again."""
    token = create_token(session_db, Role.MARKETER, unique("burst"))

    async def burst() -> tuple[list[ApiToken | None], int, int]:
        adb = AsyncDatabase(settings)
        try:
            reads = 0
            real_read = adb.read

            async def counted(query: Query, **params: Any) -> list[dict[str, Any]]:
                nonlocal reads
                if query.name == "api/find_api_token":
                    reads += 1
                    await asyncio.sleep(0.05)  # a slow answer: the other requests arrive meanwhile
                return await real_read(query, **params)

            adb.read = counted  # type: ignore[method-assign]
            cache = TokenCache(session_db)
            found = await asyncio.gather(*(cache.lookup_async(token, adb) for _ in range(20)))
            first = reads
            assert len(cache._pending) == 0  # nothing left waiting
            await cache.lookup_async("ckg_unknown_token", adb)
            return found, first, reads - first
        finally:
            await adb.close()

    found, reads, unknown_reads = asyncio.run(burst())
    assert reads == 1
    assert unknown_reads == 1
    assert all(f is not None and f.role is Role.MARKETER for f in found)


class SlowReads:
    """The async database as the token cache uses it, over the session's real one: every read is
    counted and answers after ``delay`` seconds, or fails with ``error``."""

    def __init__(self, db: Database, delay: float, error: Exception | None = None) -> None:
        self.db, self.delay, self.error, self.reads = db, delay, error, 0

    async def read(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        self.reads += 1
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return self.db.read(query, **params)

    async def write(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        return self.db.write(query, **params)


def test_a_request_cancelled_during_a_shared_lookup_leaves_the_others_their_answer(session_db: Database) -> None:
    """The lookup runs on its own: the request that started it going away (client gone, worker
    shutting down) must not hand the others a CancelledError (a 500) instead of their token."""
    token = create_token(session_db, Role.ANALYST, unique("cancelled"))

    slow, cache = SlowReads(session_db, 0.1), TokenCache(session_db)

    async def two() -> ApiToken | None:
        first = asyncio.ensure_future(cache.lookup_async(token, slow))  # type: ignore[arg-type]
        await asyncio.sleep(0.01)
        second = asyncio.ensure_future(cache.lookup_async(token, slow))  # type: ignore[arg-type]
        await asyncio.sleep(0.01)
        first.cancel()
        found = await second
        assert first.cancelled()
        return found

    found = asyncio.run(two())
    assert found is not None and found.role is Role.ANALYST
    assert slow.reads == 1 and not cache._pending


def test_a_failed_shared_lookup_fails_every_waiter_and_is_not_cached(session_db: Database) -> None:
    token = create_token(session_db, Role.ANALYST, unique("down"))

    down, cache = SlowReads(session_db, 0.05, DatabaseUnavailable("Neo4j is not reachable")), TokenCache(session_db)

    async def burst() -> list[BaseException | ApiToken | None]:
        return await asyncio.gather(*(cache.lookup_async(token, down) for _ in range(5)),  # type: ignore[arg-type]
                                    return_exceptions=True)

    results = asyncio.run(burst())
    assert down.reads == 1
    assert all(isinstance(r, DatabaseUnavailable) for r in results)
    assert not cache._pending
    found = cache.lookup(token)  # asks again (the failure was not remembered as "unknown")
    assert found is not None and found.role is Role.ANALYST


def test_audit_entry_of_an_api_erasure_names_the_token(api: TestClient, session_db: Database) -> None:
    name = unique("eraser")
    token = create_token(session_db, Role.ADMIN, name)
    victim = unique("c-audit")
    session_db.write(inline("MERGE (c:Customer {customerId: $id})"), id=victim)
    done = api.post("/graphql", headers=bearer(token), json={
        "query": "mutation($id: ID!) { eraseCustomer(customerId: $id) { __typename } }", "variables": {"id": victim}})
    assert done.json()["data"]["eraseCustomer"]["__typename"] == "CustomerErased", done.text
    audit = session_db.read(inline("MATCH (a:AuditEntry {action: 'erase'}) RETURN a.actor AS actor"))
    actors = {r["actor"] for r in audit}
    assert f"api:{name}" in actors and "api:admin" not in actors


def inline(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]
