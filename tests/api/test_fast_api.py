"""The API at speed, and still exact: a portrait in one round trip, a portrait cache that is never
stale (in this worker or another), parse and validation caches that never skip the cost limit,
/metrics in the Prometheus format, 503 with Retry-After while Neo4j is down, and portraitChanged
over graphql-transport-ws with a real WebSocket client."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.testclient import TestClient
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from ckg.gql.app import create_app
from ckg.graph.auth import Role
from ckg.graph.db import Database
from ckg.graph.queries import Query
from ckg.graph.settings import Settings
from tests.api.conftest import Gql
from tests.conftest import Neo4jUnderTest, free_port

PORTRAIT = """query($id: ID!) { portrait(customerId: $id) { pAlive customer { id country community { id size }
  tags { name } } dimensions { name tags { name weight confidence computedAt description source } } } }"""
RECORD = """mutation($events: [EventInput!]!) { recordEvents(events: $events) { __typename
  ... on EventsRecorded { stored } } }"""
SUBSCRIBE = """subscription($id: ID!) { portraitChanged(customerId: $id) { customerId removed erased
  changed { name weight sensitive } portrait { customer { id email } dimensions { tags { name sensitive } } } } }"""


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


def dormant(session_db: Database, skip: int = 0) -> str:
    """A customer whose portrait says dormant: six views make them active (a visible change)."""
    rows = session_db.read(q("""MATCH (c:Customer)-[:HAS_TAG]->(:Tag {name: 'activity_30d:dormant'})
                                WHERE NOT c.customerId IN ['c0000002'] RETURN c.customerId AS id ORDER BY id"""))
    return str(rows[skip]["id"])


def views(cid: str, tag: str) -> list[dict[str, Any]]:
    return [{"eventId": f"{tag}-{cid}-{i}", "customerId": cid, "type": "VIEW", "at": "2026-10-31T20:00:00Z",
             "sku": "sku-000001"} for i in range(6)]


def tag_names(portrait: dict[str, Any]) -> set[str]:
    return {t["name"] for d in portrait["dimensions"] for t in d["tags"]}


def test_a_portrait_is_one_round_trip_with_descriptions_from_the_catalogue(gql: Gql, api: TestClient) -> None:
    state = api.app.state  # type: ignore[attr-defined]
    state.responses.store.max_bytes = 0  # no whole answers: this is the portrait cache's test (test_response_cache)
    gql("{ __typename }", Role.MARKETER)  # the token lookup is cached from here on
    sync_before, async_before = state.db.round_trips, state.adb.round_trips
    body = gql(PORTRAIT, Role.MARKETER, id="c0000003")
    assert "errors" not in body, body
    portrait = body["data"]["portrait"]
    assert state.adb.round_trips - async_before == 1 and state.db.round_trips == sync_before
    tags = [t for d in portrait["dimensions"] for t in d["tags"]]
    assert tags and all(t["description"] for t in tags if not t["name"].startswith("test"))
    assert {t["name"] for t in portrait["customer"]["tags"]} == {t["name"] for t in tags}
    # The same portrait again: a cache hit, still one round trip, the same answer.
    hits = state.portraits.hits
    again = gql(PORTRAIT, Role.MARKETER, id="c0000003")["data"]["portrait"]
    assert again == portrait and state.portraits.hits == hits + 1
    assert state.adb.round_trips - async_before == 2


def test_new_events_show_on_the_very_next_request_in_this_worker_and_another(
        gql: Gql, settings: Settings, session_db: Database, tokens: dict[Role, str]) -> None:
    cid = dormant(session_db)
    auth = {"Authorization": f"Bearer {tokens[Role.ADMIN]}"}
    with TestClient(create_app(settings)) as other:  # a second worker, with its own cache
        def theirs() -> set[str]:
            return tag_names(other.post("/graphql", json={"query": PORTRAIT, "variables": {"id": cid}},
                                        headers=auth).json()["data"]["portrait"])

        before = tag_names(gql(PORTRAIT, id=cid)["data"]["portrait"])
        assert "activity_30d:dormant" in before and theirs() == before == theirs()  # both caches warm
        assert other.app.state.responses.hits >= 1  # type: ignore[attr-defined]
        assert gql(RECORD, Role.MARKETER, events=views(cid, "fast"))["data"]["recordEvents"]["stored"] == 6
        after = tag_names(gql(PORTRAIT, id=cid)["data"]["portrait"])
        assert "activity_30d:dormant" not in after and any(n.startswith("activity_30d:") for n in after)
        assert theirs() == after


def test_withdrawn_consent_reaches_a_warm_cache(gql: Gql, session_db: Database) -> None:
    cid = session_db.read(q("""MATCH (c:Customer)-[:HAS_TAG]->(t:Tag {basis: 'profiling'})
                               WHERE NOT c.customerId IN ['c0000001', 'c0000002', 'c0000003']
                               RETURN c.customerId AS id ORDER BY id DESC LIMIT 1"""))[0]["id"]
    before = tag_names(gql(PORTRAIT, Role.MARKETER, id=cid)["data"]["portrait"])
    gql(PORTRAIT, Role.MARKETER, id=cid)  # warm
    m = 'mutation($id: ID!) { recordConsent(customerId: $id, purpose: PROFILING, granted: false) { __typename } }'
    assert gql(m, Role.MARKETER, id=cid)["data"]["recordConsent"]["__typename"] == "ConsentRecorded"
    after = tag_names(gql(PORTRAIT, Role.MARKETER, id=cid)["data"]["portrait"])
    assert after < before
    # (Erasure is not exercised here: the dataset is shared, and test_graphql counts its customers.)


def test_sensitive_tags_are_cached_apart_from_what_other_roles_see(gql: Gql, session_db: Database) -> None:
    holder = session_db.read(q("""MATCH (c:Customer)-[:HAS_TAG]->(:Tag {sensitive: true})
                                  RETURN c.customerId AS id ORDER BY id LIMIT 1"""))[0]["id"]
    for _ in range(2):  # the second round reads from the cache
        admin = gql(PORTRAIT, Role.ADMIN, id=holder)["data"]["portrait"]
        marketer = gql(PORTRAIT, Role.MARKETER, id=holder)["data"]["portrait"]
        sensitive = tag_names(admin) - tag_names(marketer)
        assert sensitive and all(n.startswith("life_stage:") for n in sensitive)


def test_cached_documents_still_pass_the_cost_limit(gql: Gql) -> None:
    page = "query($n: Int!) { customers(first: $n) { edges { node { similarCustomers(first: 100) { " \
           "customer { similarCustomers(first: 100) { score } } } } } } }"
    for _ in range(2):
        assert "too complex" in gql(page, n=50)["errors"][0]["message"]
    for _ in range(2):
        assert "unknownField" in gql("{ unknownField }")["errors"][0]["message"]


def metric(text: str, sample: str) -> float:
    """One sample's value in Prometheus text (0 when it is not there yet)."""
    return next((float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(sample + " ")), 0.0)


def test_metrics_are_prometheus_text(gql: Gql, api: TestClient) -> None:
    answers = 'ckg_response_cache_total{result="hit"}'
    before = metric(api.get("/metrics").text, answers)
    gql(PORTRAIT, Role.MARKETER, id="c0000004")
    gql(PORTRAIT, Role.MARKETER, id="c0000004")  # the whole answer again, from the cache
    gql("{ nope }", Role.MARKETER)
    resp = api.get("/metrics")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    text = resp.text
    assert metric(text, answers) == before + 1
    for needle in ('ckg_graphql_requests_total{operation="query:portrait",outcome="ok"}',
                   'ckg_graphql_requests_total{operation="query:invalid",outcome="error"}',
                   'ckg_graphql_request_seconds_bucket{le="0.005",operation="query:portrait"}',
                   'ckg_portrait_cache_total{result="hit"}', 'ckg_portrait_cache_total{result="miss"}',
                   'ckg_response_cache_total{result="miss"}',
                   "ckg_neo4j_round_trips_total", "ckg_neo4j_pool_in_use", "ckg_neo4j_pool_size",
                   'ckg_http_responses_total{path="/graphql",status="200"}'):
        assert needle in text, needle
    assert api.get("/healthz").json() == {"status": "up", "neo4j": "up"}


def test_a_neo4j_outage_answers_503_with_retry_after_and_recovers(
        neo4j_server: Neo4jUnderTest, settings: Settings, tokens: dict[Role, str],
        caplog: pytest.LogCaptureFixture) -> None:
    if neo4j_server.instance is None:
        pytest.skip("external server: cannot stop it from the tests")
    auth = {"Authorization": f"Bearer {tokens[Role.ANALYST]}"}
    body = {"query": PORTRAIT, "variables": {"id": "c0000005"}}
    with TestClient(create_app(settings.model_copy(update={"connection_timeout": 2.0}))) as c:
        assert c.post("/graphql", json=body, headers=auth).status_code == 200  # token and portrait cached
        neo4j_server.stop()
        try:
            with caplog.at_level(logging.WARNING):
                down = c.post("/graphql", json=body, headers=auth)
            assert down.status_code == 503 and int(down.headers["retry-after"]) > 0, down.text
            # the outage is one warning line per request, not a traceback per request
            said = [r for r in caplog.records if "not reachable" in r.getMessage()]
            assert said and all(r.levelno == logging.WARNING and not r.exc_info for r in said), said
            assert c.get("/healthz").status_code == 503
        finally:
            neo4j_server.start()
        # recovered by itself: a client that honours Retry-After gets its portrait (a restarted
        # server can still be opening its database, or be too cold to answer within the deadline)
        until = time.monotonic() + 60
        up = c.post("/graphql", json=body, headers=auth)
        while up.status_code == 503 and "retry-after" in up.headers and time.monotonic() < until:
            time.sleep(1)
            up = c.post("/graphql", json=body, headers=auth)
        assert up.status_code == 200 and up.json()["data"]["portrait"]["customer"]["id"] == "c0000005", up.text
        assert 'outcome="unavailable"' in c.get("/metrics").text


# ------------------------------------------------------------------ subscriptions, over a real socket
@pytest.fixture(scope="module")
def served(neo4j_server: Neo4jUnderTest, api_data: Any) -> Iterator[str]:
    """The app under uvicorn (uvloop, httptools, websockets) in a thread, on a free loopback port."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(neo4j_server.settings), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on", loop="uvloop", http="httptools"))
    thread = threading.Thread(target=server.run, name="ckg-serve-ws", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@contextmanager
def _subscribed(address: str, token: str | None, cid: str) -> Iterator[Any]:
    with connect(f"ws://{address}/graphql", subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(ws.recv(timeout=10))
        assert ack["type"] == "connection_ack", ack
        ws.send(json.dumps({"id": "1", "type": "subscribe",
                            "payload": {"query": SUBSCRIBE, "variables": {"id": cid}}}))
        yield ws


def _next(ws: Any) -> dict[str, Any]:
    while True:
        msg = json.loads(ws.recv(timeout=120))
        if msg["type"] != "ping":
            return dict(msg)


def test_portrait_changed_pushes_the_changed_tags_with_the_subscriber_role(
        served: str, tokens: dict[Role, str], session_db: Database) -> None:
    cid = dormant(session_db, skip=1)
    with _subscribed(served, tokens[Role.ADMIN], cid) as admin, \
            _subscribed(served, tokens[Role.ANALYST], cid) as analyst, \
            _subscribed(served, tokens[Role.MARKETER], cid) as marketer:
        time.sleep(0.5)  # the subscriptions registered with the watch
        done = httpx.post(f"http://{served}/graphql", json={"query": RECORD, "variables": {"events": views(cid, "ws")}},
                          headers={"Authorization": f"Bearer {tokens[Role.MARKETER]}"}, timeout=600).json()
        assert done["data"]["recordEvents"]["stored"] == 6
        for ws, role in ((admin, Role.ADMIN), (analyst, Role.ANALYST), (marketer, Role.MARKETER)):
            msg = _next(ws)
            assert msg["type"] == "next", msg
            change = msg["payload"]["data"]["portraitChanged"]
            assert change["customerId"] == cid and not change["erased"]
            assert any(t["name"].startswith("activity_30d:") for t in change["changed"])
            assert "activity_30d:dormant" in change["removed"]
            assert change["portrait"]["customer"]["id"] == cid
            denied = [e for e in msg["payload"].get("errors", []) if e["path"][-1] == "email"]
            assert bool(denied) == (role is Role.ANALYST)
            assert (change["portrait"]["customer"]["email"] is None) == (role is Role.ANALYST)
            if role is not Role.ADMIN:  # only admins read sensitive tags, in the change as in the portrait
                assert not any(t["sensitive"] for d in change["portrait"]["dimensions"] for t in d["tags"])
                assert not any(t["sensitive"] for t in change["changed"])


def test_concurrent_record_events_are_committed_in_groups_and_each_sees_its_own_outcome(
        served: str, tokens: dict[Role, str], session_db: Database) -> None:
    """recordEvents arriving together are stored and refreshed in groups (gql.group_commit): every
    request answers only once its customer's portrait has the new tags, and with its own result (one
    of them names an unknown customer: its other events are stored and refreshed all the same)."""
    from concurrent.futures import ThreadPoolExecutor

    from prometheus_client import REGISTRY

    ids = [dormant(session_db, skip=k) for k in range(2, 8)]
    auth = {"Authorization": f"Bearer {tokens[Role.MARKETER]}"}
    mutation = RECORD.replace("stored }",
                              "stored refreshedCustomers } ... on UnknownEntitiesError { unknownCustomers }")
    requests_before = REGISTRY.get_sample_value("ckg_record_events_group_requests_sum") or 0.0
    groups_before = REGISTRY.get_sample_value("ckg_record_events_group_requests_count") or 0.0

    def record_then_read(cid: str) -> tuple[dict[str, Any], set[str]]:
        events = views(cid, "group")
        if cid == ids[-1]:
            events.append({**events[0], "eventId": "group-nobody", "customerId": "c-no-such-customer"})
        with httpx.Client(base_url=f"http://{served}", headers=auth, timeout=600) as client:
            done = client.post("/graphql", json={"query": mutation, "variables": {"events": events}}).json()
            portrait = client.post("/graphql", json={"query": PORTRAIT, "variables": {"id": cid}}).json()
            return done["data"]["recordEvents"], tag_names(portrait["data"]["portrait"])

    with ThreadPoolExecutor(len(ids)) as pool:
        outcomes = list(pool.map(record_then_read, ids))
    for cid, (answer, tags) in zip(ids, outcomes, strict=True):
        if cid == ids[-1]:
            assert answer == {"__typename": "UnknownEntitiesError", "unknownCustomers": ["c-no-such-customer"]}
        else:
            assert answer == {"__typename": "EventsRecorded", "stored": 6, "refreshedCustomers": [cid]}
        assert "activity_30d:dormant" not in tags and any(n.startswith("activity_30d:") for n in tags)
    assert (REGISTRY.get_sample_value("ckg_record_events_group_requests_sum") or 0.0) - requests_before == len(ids)
    groups = (REGISTRY.get_sample_value("ckg_record_events_group_requests_count") or 0.0) - groups_before
    assert 1 <= groups <= len(ids)
    stored = session_db.read(q("MATCH ()-[v:VIEWED]->() WHERE v.eventId STARTS WITH 'group-' RETURN count(v) AS n"))
    assert stored[0]["n"] == 6 * len(ids)


def test_a_subscription_without_a_valid_token_is_refused(served: str) -> None:
    for token in (None, "ckg_not_a_token"):
        with connect(f"ws://{served}/graphql", subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            ws.send(json.dumps({"type": "connection_init",
                                "payload": {"Authorization": f"Bearer {token}"} if token else {}}))
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


def test_the_async_reads_hand_back_plain_values_the_cache_can_keep(settings: Settings, api_data: Any) -> None:
    """AsyncDatabase skips the driver's per-value conversion (Record.data()): that is only right while
    the API's statements return maps, lists and plain values, never nodes, relationships or paths."""
    import asyncio

    from ckg.graph.async_db import AsyncDatabase
    from ckg.graph.changes import portrait_versions
    from ckg.graph.portrait import fetch_portrait

    def plain(value: Any) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, str | int | float | bool)

    async def read() -> None:
        db = AsyncDatabase(settings)
        try:
            data = await fetch_portrait(db, "c0000002", True)
            assert data is not None and data.tags and data.fresh
            assert plain(data.customer) and plain(data.tags) and plain(data.communities)
            versions = await portrait_versions(db, ["c0000002", "nobody"])
            known = versions["c0000002"]
            assert known is not None and all(isinstance(n, int) for n in known)
            assert versions.get("nobody") is None
        finally:
            await db.close()

    asyncio.run(read())


def test_the_api_async_driver_shares_the_bookmarks_of_the_synchronous_one(settings: Settings) -> None:
    """A mutation (synchronous driver) and the next portrait read (async driver) of one worker are
    causally chained: on a cluster the read waits for the write (docs/scaling.md)."""
    import asyncio

    from ckg.graph.async_db import AsyncDatabase

    probe = q("MERGE (n:BookmarkProbe {k: 1}) SET n.at = timestamp() RETURN n.at AS at")
    sync = Database(settings)

    async def chain() -> None:
        adb = AsyncDatabase(settings, bookmarks=sync.bookmarks)
        try:
            sync.write(probe)
            after_sync = set(sync.bookmarks.get_bookmarks())
            assert after_sync and set(await adb.bookmarks.get_bookmarks()) == after_sync
            await adb.write(probe)
            after_async = set(sync.bookmarks.get_bookmarks())
            assert after_async and after_async != after_sync  # the async write moved the shared bookmark
            sync.write(q("MATCH (n:BookmarkProbe) DELETE n"))
        finally:
            await adb.close()

    try:
        asyncio.run(chain())
    finally:
        sync.close()


def test_the_server_stops_a_request_transaction_past_its_limit(settings: Settings) -> None:
    """A request's transaction on the API's synchronous driver carries a time limit: past it Neo4j
    stops the work (which a client has given up on by then) and the API answers 503; the jobs' view
    of the same driver has no limit (a full refresh takes minutes)."""
    from ckg.graph.errors import DatabaseUnavailable

    slow = q("CALL apoc.util.sleep(5000) RETURN 1 AS one")
    sync = Database(settings, tx_timeout=0.5)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable, match="time limit"):
            sync.read(slow)
        assert time.monotonic() - started < 4.5  # stopped by the server, not waited out
        assert sync.retrying(1.0).tx_timeout is None
    finally:
        sync.close()


def test_a_portrait_read_past_its_deadline_is_stopped_on_the_server_too(settings: Settings,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The async driver's deadline answers 503 and the work goes with it: the transaction does not run
    on in Neo4j for nobody (its connection is closed, and its timeout is the same deadline)."""
    import asyncio

    from ckg.graph import async_db
    from ckg.graph.async_db import AsyncDatabase
    from ckg.graph.errors import DatabaseUnavailable

    slow = q("CALL apoc.util.sleep(5000) RETURN 1 AS one")
    running = q("SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery STARTS WITH 'CALL apoc.util.sleep' "
                "RETURN count(*) AS n")
    deadline = async_db.DEADLINE_SECONDS

    async def read() -> None:
        adb = AsyncDatabase(settings)
        try:
            monkeypatch.setattr(async_db, "DEADLINE_SECONDS", 0.5)
            with pytest.raises(DatabaseUnavailable):
                await adb.read(slow)
            monkeypatch.setattr(async_db, "DEADLINE_SECONDS", deadline)
            until = time.monotonic() + 3.0  # well before the 5 s sleep would end by itself
            while (await adb.read(running))[0]["n"] and time.monotonic() < until:
                await asyncio.sleep(0.1)
            assert (await adb.read(running))[0]["n"] == 0
        finally:
            await adb.close()

    asyncio.run(read())
