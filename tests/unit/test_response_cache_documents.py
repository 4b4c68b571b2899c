"""The cache of whole portrait answers without a server: which documents qualify, its bounds, and the
reader of portrait heads."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import subprocess
import time
from pathlib import Path

import orjson
import pytest

from ckg.gql import answer_store, response_cache
from ckg.gql.answer_store import ENTRY_OVERHEAD, Answer, AnswerStore, MemoryAnswers, SharedAnswers
from ckg.gql.limits import MAX_QUERY_CHARS
from ckg.gql.response_cache import Capture, HeadReader, Plan, ResponseCache
from ckg.gql.schema import build_schema
from ckg.graph.portrait import PortraitHead

SCHEMA = build_schema(production=False, introspection=True)._schema
PORTRAIT = """query P($id: ID!) { portrait(customerId: $id) { pAlive customer { id email country
  community { id size } tags(dimension: "behaviour") { name } __typename }
  dimensions { name tags { name weight } } } }"""


def plan_of(query: str, variables: dict[str, object] | None = None, name: str | None = None,
            role: str = "analyst") -> object:
    cache = ResponseCache(None, SCHEMA)  # type: ignore[arg-type]  # no read happens in plan()
    body = orjson.dumps({"query": query, "variables": variables, "operationName": name})
    return cache.plan(body, role, "application/json")


def test_a_portrait_read_qualifies_with_its_customer_from_the_variables_or_a_literal() -> None:
    plan = plan_of(PORTRAIT, {"id": "c1"})
    assert plan is not None and plan.customer_id == "c1"  # type: ignore[attr-defined]
    assert plan_of(PORTRAIT, {"id": "c1"}, name="P") is not None
    literal = plan_of('{ portrait(customerId: "c7") { customer { id } } }')
    assert literal is not None and literal.customer_id == "c7"  # type: ignore[attr-defined]


@pytest.mark.parametrize("query", [
    # fields read elsewhere than the portrait
    'query($id: ID!) { portrait(customerId: $id) { customer { id similarCustomers { score } } } }',
    'query($id: ID!) { portrait(customerId: $id) { customer { orders { edges { node { id } } } } } }',
    # another root field beside it, another operation, a mutation
    'query($id: ID!) { portrait(customerId: $id) { pAlive } tagCatalog { families { name } } }',
    'query($id: ID!) { portrait(customerId: $id) { pAlive } } query Other { __typename }',
    'mutation($id: ID!) { recordConsent(customerId: $id, purpose: PROFILING, granted: true) { __typename } }',
    # the portrait as it stood then (tag history), fragments, directives
    'query($id: ID!) { portrait(customerId: $id, asOf: "2026-01-01T00:00:00Z") { pAlive } }',
    'query($id: ID!) { portrait(customerId: $id) { ...F } } fragment F on Portrait { pAlive }',
    'query($id: ID!) { portrait(customerId: $id) { ... on Portrait { pAlive } } }',
    'query($id: ID!, $s: Boolean!) { portrait(customerId: $id) { pAlive @skip(if: $s) } }',
    # not GraphQL at all
    'query($id: ID!) { portrait(customerId: $id) {',
])
def test_documents_reading_more_than_the_portrait_run_as_usual(query: str) -> None:
    assert plan_of(query, {"id": "c1", "s": False}) is None


def test_the_key_tells_roles_variables_and_media_apart() -> None:
    a = plan_of(PORTRAIT, {"id": "c1"}, role="analyst")
    assert a is not None
    assert a != plan_of(PORTRAIT, {"id": "c1"}, role="marketer")
    assert a != plan_of(PORTRAIT, {"id": "c2"}, role="analyst")
    assert a == plan_of(PORTRAIT, {"id": "c1"}, role="analyst")
    cache = ResponseCache(None, SCHEMA)  # type: ignore[arg-type]
    body = orjson.dumps({"query": PORTRAIT, "variables": {"id": "c1"}})
    assert cache.plan(body, "analyst", "application/json") != cache.plan(body, "analyst",
                                                                         "application/graphql-response+json")


@pytest.mark.parametrize("body", [b"[]", b"not json", b'{"query": 1}', b'{"query": "{ x }", "extensions": {}}'])
def test_bodies_that_are_not_one_plain_request_run_as_usual(body: bytes) -> None:
    assert ResponseCache(None, SCHEMA).plan(body, "analyst", "application/json") is None  # type: ignore[arg-type]


def test_a_customer_id_that_is_not_a_string_runs_as_usual() -> None:
    assert plan_of(PORTRAIT, {"id": 7}) is None
    assert plan_of(PORTRAIT, {}) is None


def test_variables_the_operation_does_not_declare_do_not_make_new_entries() -> None:
    assert plan_of(PORTRAIT, {"id": "c1", "pad": "x" * 1000}) == plan_of(PORTRAIT, {"id": "c1"})


def test_a_document_too_long_for_the_cost_limiter_is_not_even_parsed() -> None:
    huge = '{ portrait(customerId: "c1") { customer { ' + "id " * (MAX_QUERY_CHARS // 3) + "} } }"
    started = time.perf_counter()
    assert plan_of(huge) is None
    assert time.perf_counter() - started < 0.05
    many = '{ portrait(customerId: "c1") { customer { ' + "id " * 3000 + "} } }"  # short, too many tokens
    assert len(many) < MAX_QUERY_CHARS and plan_of(many) is None


def cached(cache: ResponseCache, cid: str, read_at: float | None = None) -> Plan:
    plan = cache.plan(orjson.dumps({"query": PORTRAIT, "variables": {"id": cid}}), "analyst", "application/json")
    assert plan is not None
    capture = Capture(plan, cache, head=PortraitHead({"id": cid}, (1, 1)), read_at=read_at)
    capture.keep(b'{"data": {"portrait": {}}}')
    return plan


def kept(store: AnswerStore) -> list[bytes]:
    """The keys a store holds, oldest first (used, in memory; built, shared)."""
    if isinstance(store, MemoryAnswers):
        return store.keys()
    assert isinstance(store, SharedAnswers)
    return [k for (k,) in store._db.execute("SELECT key FROM answers ORDER BY stored")]


@pytest.mark.parametrize("shared", [False, True], ids=["in the worker", "shared by the host"])
def test_answers_are_bounded_in_bytes_with_their_bookkeeping_and_evicted_oldest_first(
        shared: bool, tmp_path: Path) -> None:
    body = len(b'{"data": {"portrait": {}}}')
    limit = 3 * (body + ENTRY_OVERHEAD)
    store: AnswerStore = SharedAnswers(tmp_path / "a.sqlite", limit) if shared else MemoryAnswers(limit)
    cache = ResponseCache(None, SCHEMA, store=store)  # type: ignore[arg-type]
    plans = [cached(cache, f"c{i}") for i in range(5)]
    assert len(cache) == 3 and cache.held_bytes == 3 * (body + ENTRY_OVERHEAD)
    assert [p.key for p in plans[2:]] == kept(store)  # the two oldest went
    cache.invalidate("c4")
    assert len(cache) == 2 and cache.held_bytes == 2 * (body + ENTRY_OVERHEAD)
    none = ResponseCache(None, SCHEMA, max_bytes=0)  # type: ignore[arg-type]  # CKG_API_ANSWER_CACHE_MB=0
    cached(none, "c1")
    assert len(none) == 0


def answer(cid: str, stored: float, body: bytes = b'{"data": {}}') -> Answer:
    return Answer(cid, body, PortraitHead({"id": cid, "allowedUses": ["profiling"], "pAlive": 0.25}, (3, 7)),
                  [(cid, "email")], stored)


def test_an_answer_one_worker_keeps_is_the_same_answer_for_every_worker(tmp_path: Path) -> None:
    one, two = SharedAnswers(tmp_path / "a.sqlite", 1 << 20), SharedAnswers(tmp_path / "a.sqlite", 1 << 20)
    one.put(b"k1", answer("c1", 10.0))
    one.put(b"k2", answer("c1", 11.0))
    two.put(b"k3", answer("c2", 12.0))
    assert two.get(b"k1") == answer("c1", 10.0)  # body, head (fields and version), audits, age
    assert one.size() == two.size() == (3, 3 * len(answer("c1", 0).body) + 3 * ENTRY_OVERHEAD)
    two.drop_customer("c1")  # an erasure seen by one worker: gone for all
    assert one.get(b"k1") is None and one.get(b"k2") is None and one.get(b"k3") is not None
    one.put(b"k3", answer("c2", 13.0, body=b"{}"))  # built again: replaced, counted once
    assert two.get(b"k3") == answer("c2", 13.0, body=b"{}") and two.size() == (1, 2 + ENTRY_OVERHEAD)


def test_a_worker_that_cannot_write_the_shared_answers_goes_on_without_them(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    store = SharedAnswers(path, 1 << 20)
    store.put(b"k1", answer("c1", 1.0))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another worker holds the write lock (a stuck one, say)
    started = time.perf_counter()
    store.put(b"k2", answer("c2", 2.0))  # not kept, no error, and not a long wait
    store.drop(b"k1")
    assert time.perf_counter() - started < 1.0
    assert store.get(b"k1") is not None and store.get(b"k2") is None  # reads never wait for a write
    other.execute("ROLLBACK")
    store.put(b"k2", answer("c2", 2.0))
    assert store.get(b"k2") is not None


def test_serve_makes_a_private_directory_and_sweeps_those_of_runs_that_were_killed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answer_store, "_base", lambda: tmp_path)
    dead = _dead_pid()
    stale = tmp_path / f"{answer_store.SHARED_PREFIX}{dead}-abc"
    stale.mkdir()
    live = tmp_path / f"{answer_store.SHARED_PREFIX}{os.getpid()}-abc"  # a ckg serve still running
    live.mkdir()
    made = answer_store.make_shared_dir()
    assert made.parent == tmp_path and stat.S_IMODE(made.stat().st_mode) == 0o700
    assert not stale.exists() and live.exists()


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_an_answers_age_counts_from_when_its_portrait_was_read() -> None:
    now = [100.0]
    cache = ResponseCache(None, SCHEMA, max_age=60, clock=lambda: now[0])  # type: ignore[arg-type]
    plan = cached(cache, "c1", read_at=50.0)  # built at 100 from a portrait read at 50
    now[0] = 111.0  # 61 s after the read: re-built, without asking Neo4j (there is no database here)
    assert asyncio.run(cache.lookup(plan)) is None and len(cache) == 0


def test_requests_waiting_on_a_cancelled_head_reader_are_not_left_hanging(monkeypatch: pytest.MonkeyPatch) -> None:
    started = asyncio.Event

    async def scenario() -> tuple[bool, bool]:
        reading = started()

        async def slow(db: object, ids: list[str]) -> dict[str, PortraitHead]:
            reading.set()
            await asyncio.sleep(3600)
            return {}

        monkeypatch.setattr(response_cache, "portrait_heads", slow)
        reader = HeadReader(None)  # type: ignore[arg-type]
        first = asyncio.ensure_future(reader.head("a"))
        await reading.wait()
        second = asyncio.ensure_future(reader.head("b"))  # arrives during the read: waits for the next
        await asyncio.sleep(0)
        assert reader._task is not None
        reader._task.cancel()
        await asyncio.wait([first, second], timeout=5)
        return first.done(), second.done()

    assert asyncio.run(scenario()) == (True, True)


def test_a_failed_head_read_reaches_its_waiters_and_the_next_read_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    async def flaky(db: object, ids: list[str]) -> dict[str, PortraitHead]:
        calls.append(ids)
        if len(calls) == 1:
            await asyncio.sleep(0.01)
            raise RuntimeError("down")
        return {i: PortraitHead({"id": i}, (1, 1)) for i in ids if i != "gone"}

    async def scenario() -> list[object]:
        monkeypatch.setattr(response_cache, "portrait_heads", flaky)
        reader = HeadReader(None)  # type: ignore[arg-type]
        first = asyncio.ensure_future(reader.head("a"))
        await asyncio.sleep(0)
        later = [asyncio.ensure_future(reader.head(x)) for x in ("b", "gone")]
        return list(await asyncio.gather(first, *later, return_exceptions=True))

    failed, b, gone = asyncio.run(scenario())
    assert isinstance(failed, RuntimeError) and isinstance(b, PortraitHead) and gone is None
    assert calls == [["a"], ["b", "gone"]]  # one read for the two that came during the first
