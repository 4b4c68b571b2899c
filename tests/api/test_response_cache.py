"""Whole portrait answers served again from the cache: never older than the request (a write by
another worker or the CLI, a changed field, an erasure), kept per role, and audited every time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from ckg.gql.app import create_app
from ckg.graph.auth import Role
from ckg.graph.changes import portraits_changed
from ckg.graph.db import Database
from ckg.graph.privacy import audit_subject
from ckg.graph.queries import Query
from ckg.graph.settings import Settings
from tests.api.conftest import Gql

PORTRAIT = """query($id: ID!) { portrait(customerId: $id) { pAlive customer { id email city country
  community { id size } } dimensions { name tags { name weight sensitive } } } }"""


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


def names(portrait: dict[str, Any]) -> set[str]:
    return {t["name"] for d in portrait["dimensions"] for t in d["tags"]}


def test_a_repeated_portrait_is_answered_from_the_cache_after_one_small_read(gql: Gql, api: TestClient) -> None:
    state = api.app.state  # type: ignore[attr-defined]
    first = gql(PORTRAIT, Role.MARKETER, id="c0000010")
    assert "errors" not in first and first["data"]["portrait"]["dimensions"]
    hits, executed, trips = state.responses.hits, state.portraits.hits + state.portraits.misses, state.adb.round_trips
    assert gql(PORTRAIT, Role.MARKETER, id="c0000010") == first
    assert state.responses.hits == hits + 1  # answered from the cache ...
    assert state.portraits.hits + state.portraits.misses == executed  # ... without running the query
    assert state.adb.round_trips == trips + 1  # after one read of the customer's head
    assert gql(PORTRAIT, Role.MARKETER, id="c0000011")["data"]["portrait"]["customer"]["id"] == "c0000011"


def test_a_write_by_another_worker_or_the_cli_shows_on_the_next_request(gql: Gql, api: TestClient,
                                                                         session_db: Database) -> None:
    cid = "c0000012"
    before = gql(PORTRAIT, Role.MARKETER, id=cid)["data"]["portrait"]
    assert gql(PORTRAIT, Role.MARKETER, id=cid)["data"]["portrait"] == before  # cached
    session_db.write(q("""MATCH (c:Customer {customerId: $id}) MERGE (t:Tag {name: 'test_rc:new'})
                          SET t.dimension = 'behaviour'
                          MERGE (c)-[h:HAS_TAG]->(t) SET h.weight = 1.0, h.computedAt = datetime()"""), id=cid)
    portraits_changed(session_db, [cid])  # what every ckg writer does (graph.changes), in another process
    try:
        after = gql(PORTRAIT, Role.MARKETER, id=cid)["data"]["portrait"]
        assert names(after) == names(before) | {"test_rc:new"}
    finally:
        session_db.write(q("MATCH (:Customer {customerId: $id})-[h:HAS_TAG]->(:Tag {name: 'test_rc:new'}) DELETE h"),
                         id=cid)
        portraits_changed(session_db, [cid])
    assert names(gql(PORTRAIT, Role.MARKETER, id=cid)["data"]["portrait"]) == names(before)


def test_the_customers_own_fields_are_current_even_when_no_version_moved(gql: Gql, session_db: Database) -> None:
    cid = "c0000013"
    city = gql(PORTRAIT, Role.MARKETER, id=cid)["data"]["portrait"]["customer"]["city"]
    gql(PORTRAIT, Role.MARKETER, id=cid)  # cached
    session_db.write(q("MATCH (c:Customer {customerId: $id}) SET c.city = 'Testville'"), id=cid)
    try:
        assert gql(PORTRAIT, Role.MARKETER, id=cid)["data"]["portrait"]["customer"]["city"] == "Testville"
    finally:
        session_db.write(q("MATCH (c:Customer {customerId: $id}) SET c.city = $city"), id=cid, city=city)


def test_a_customer_who_is_gone_is_never_answered_from_the_cache(gql: Gql, session_db: Database) -> None:
    cid = "c-test-rc-gone"
    session_db.write(q("CREATE (:Customer {customerId: $id, country: 'DE', city: 'Kiel'})"), id=cid)
    try:
        for _ in range(2):
            assert gql(PORTRAIT, Role.MARKETER, id=cid)["data"]["portrait"]["customer"]["city"] == "Kiel"
    finally:
        session_db.write(q("MATCH (c:Customer {customerId: $id}) DETACH DELETE c"), id=cid)  # no version moved
    assert gql(PORTRAIT, Role.MARKETER, id=cid)["data"]["portrait"] is None


def test_answers_are_kept_per_role_and_every_read_is_audited_in_the_askers_name(
        gql: Gql, api: TestClient, session_db: Database) -> None:
    holder = session_db.read(q("""MATCH (c:Customer)-[:HAS_TAG]->(:Tag {sensitive: true})
                                  RETURN c.customerId AS id ORDER BY id DESC LIMIT 1"""))[0]["id"]
    audit = api.app.state.audit  # type: ignore[attr-defined]

    def entries(actor: str) -> list[str]:
        audit.flush()
        rows = session_db.read(q("MATCH (a:AuditEntry {action: 'read', subjectHash: $h, actor: $actor}) "
                                 "RETURN a.detail AS detail"), h=audit_subject(session_db, holder), actor=actor)
        return sorted(r["detail"] for r in rows)

    admin_before, marketer_before = entries("api:test-admin"), entries("api:test-marketer")
    admin = [gql(PORTRAIT, Role.ADMIN, id=holder)["data"]["portrait"] for _ in range(2)]
    marketer = [gql(PORTRAIT, Role.MARKETER, id=holder)["data"]["portrait"] for _ in range(2)]
    assert admin[0] == admin[1] and marketer[0] == marketer[1]
    sensitive = {t["name"] for d in admin[0]["dimensions"] for t in d["tags"] if t["sensitive"]}
    assert sensitive and not any(t["sensitive"] for d in marketer[0]["dimensions"] for t in d["tags"])
    admin_new = entries("api:test-admin")
    for detail in ["email", *(f"tag {n}" for n in sensitive)]:  # once per read, the cached one too
        assert admin_new.count(detail) - admin_before.count(detail) == 2, detail
    marketer_new = entries("api:test-marketer")
    assert marketer_new.count("email") - marketer_before.count("email") == 2
    assert not any(d.startswith("tag ") for d in set(marketer_new) - set(marketer_before))


def test_each_worker_checks_its_cached_answer_against_the_graph(gql: Gql, settings: Settings,
                                                               session_db: Database, tokens: dict[Role, str]) -> None:
    cid = session_db.read(q("""MATCH (c:Customer) WHERE c.pAlive IS NOT NULL
                               RETURN c.customerId AS id ORDER BY id DESC SKIP 5 LIMIT 1"""))[0]["id"]
    auth = {"Authorization": f"Bearer {tokens[Role.MARKETER]}"}
    with TestClient(create_app(settings)) as other:
        def theirs() -> dict[str, Any]:
            body: dict[str, Any] = other.post("/graphql", json={"query": PORTRAIT, "variables": {"id": cid}},
                                              headers=auth).json()
            return body

        assert theirs() == theirs() == gql(PORTRAIT, Role.MARKETER, id=cid)
        assert other.app.state.responses.hits >= 1  # type: ignore[attr-defined]
        m = 'mutation($id: ID!) { recordConsent(customerId: $id, purpose: PROFILING, granted: false) { __typename } }'
        try:
            assert gql(m, Role.MARKETER, id=cid)["data"]["recordConsent"]["__typename"] == "ConsentRecorded"
            mine, other_now = gql(PORTRAIT, Role.MARKETER, id=cid), theirs()
            assert mine == other_now and mine["data"]["portrait"]["pAlive"] is None  # it was a number
        finally:
            m2 = m.replace("granted: false", "granted: true")
            gql(m2, Role.MARKETER, id=cid)


@pytest.mark.parametrize("answers", [True, False], ids=["answer cache", "portrait cache alone"])
def test_a_consent_change_shows_even_when_no_version_moved(gql: Gql, api: TestClient, session_db: Database,
                                                           answers: bool) -> None:
    """Consent is recorded, then versions move in another transaction: if that second one failed, the
    changed allowedUses alone must make the caches read the portrait again."""
    state = api.app.state  # type: ignore[attr-defined]
    if not answers:
        state.responses.store.max_bytes = 0  # as for a document the answer cache does not keep
    cid = f"c-test-rc-consent-{answers}"
    session_db.write(q("""CREATE (c:Customer {customerId: $id, country: 'DE', allowedUses: ['profiling', 'registered']})
                          MERGE (t:Tag {name: 'test_rc:profiled'}) SET t.dimension = 'behaviour', t.basis = 'profiling'
                          CREATE (c)-[:HAS_TAG {weight: 1.0, computedAt: datetime()}]->(t)"""), id=cid)
    try:
        for _ in range(2):  # the second from a cache
            assert names(gql(PORTRAIT, Role.MARKETER, id=cid)["data"]["portrait"]) == {"test_rc:profiled"}
        assert (state.responses.hits if answers else state.portraits.hits) >= 1
        # what recordConsent's first transaction does (graph.consent), with no version move after it
        session_db.write(q("""MATCH (c:Customer {customerId: $id}) SET c.allowedUses = ['registered']
                              WITH c MATCH (c)-[h:HAS_TAG]->(:Tag {basis: 'profiling'}) DELETE h"""), id=cid)
        assert names(gql(PORTRAIT, Role.MARKETER, id=cid)["data"]["portrait"]) == set()
    finally:
        session_db.write(q("MATCH (c:Customer {customerId: $id}) DETACH DELETE c"), id=cid)


def test_an_analyst_never_gets_the_personal_fields_or_sensitive_tags_of_a_cached_answer(
        gql: Gql, api: TestClient, session_db: Database) -> None:
    holder = session_db.read(q("""MATCH (c:Customer)-[:HAS_TAG]->(:Tag {sensitive: true})
                                  RETURN c.customerId AS id ORDER BY id DESC SKIP 1 LIMIT 1"""))[0]["id"]
    for role in (Role.ADMIN, Role.ADMIN, Role.MARKETER, Role.MARKETER):  # answers cached for both
        assert gql(PORTRAIT, role, id=holder)["data"]["portrait"]["customer"]["email"]
    assert api.app.state.responses.hits >= 2  # type: ignore[attr-defined]
    for _ in range(2):
        body = gql(PORTRAIT, Role.ANALYST, id=holder)
        portrait = body["data"]["portrait"]
        assert portrait["customer"]["email"] is None and "errors" in body  # PII needs a role
        assert portrait["dimensions"] and not any(t["sensitive"] for d in portrait["dimensions"] for t in d["tags"])


def test_an_answer_one_worker_built_is_served_by_another_after_its_own_check(
        settings: Settings, session_db: Database, tokens: dict[Role, str], api_data: object,
        tmp_path: Path) -> None:
    shared = settings.model_copy(update={"api_shared_answers": tmp_path / "answers.sqlite"})  # as ckg serve does
    cid, auth = "c0000020", {"Authorization": f"Bearer {tokens[Role.MARKETER]}"}
    with TestClient(create_app(shared)) as one, TestClient(create_app(shared)) as two:
        def ask(client: TestClient) -> dict[str, Any]:
            body: dict[str, Any] = client.post("/graphql", json={"query": PORTRAIT, "variables": {"id": cid}},
                                               headers=auth).json()
            return body

        first = ask(one)
        assert first["data"]["portrait"]["dimensions"]
        state = two.app.state  # type: ignore[attr-defined]
        two.post("/graphql", json={"query": "{ __typename }"}, headers=auth)  # its token lookup, cached from here on
        executed, trips = state.portraits.hits + state.portraits.misses, state.adb.round_trips
        assert ask(two) == first
        assert state.responses.hits == 1  # built by the other worker ...
        assert state.portraits.hits + state.portraits.misses == executed  # ... not run here ...
        assert state.adb.round_trips == trips + 1  # ... after this worker's own read of the head
        session_db.write(q("""MATCH (c:Customer {customerId: $id}) MERGE (t:Tag {name: 'test_rc:shared'})
                              SET t.dimension = 'behaviour'
                              MERGE (c)-[h:HAS_TAG]->(t) SET h.weight = 1.0, h.computedAt = datetime()"""), id=cid)
        portraits_changed(session_db, [cid])
        try:
            after = ask(two)  # the shared answer is stale now: not served, by either
            assert names(after["data"]["portrait"]) == names(first["data"]["portrait"]) | {"test_rc:shared"}
            assert ask(one) == after
        finally:
            session_db.write(q("MATCH (:Customer {customerId: $id})-[h:HAS_TAG]->(:Tag {name: 'test_rc:shared'}) "
                               "DELETE h"), id=cid)
            portraits_changed(session_db, [cid])
