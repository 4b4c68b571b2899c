"""tagHistory and portrait(asOf) through GraphQL over HTTP, on a customer whose tags went through
versions (refreshed at three times); sensitive versions only for roles that may read them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ckg.graph.auth import Role
from ckg.graph.db import Database
from ckg.graph.tags.refresh import refresh
from tests.api.conftest import Gql
from tests.graph.test_tag_history import T1, T2, T3, add_views, customer, q

CID = "api-history-1"
HISTORY = """query($id: ID!, $tag: String, $first: Int!, $after: String) {
  tagHistory(customerId: $id, tag: $tag, first: $first, after: $after) {
    versions { tag validFrom validTo reason weight sensitive cursor }
    pageInfo { hasNextPage endCursor } } }"""
AS_OF = """query($id: ID!, $asOf: DateTime) {
  portrait(customerId: $id, asOf: $asOf) { dimensions { name tags { name weight computedAt } } } }"""


@pytest.fixture
def versions(session_db: Database, api_data: object) -> Iterator[str]:
    """See tests.graph.test_tag_history.history: activity_30d:high begins at T1 and a new version
    at T3; market:DE ends at T2 and market:FR begins."""
    customer(session_db, CID)
    add_views(session_db, CID, 0, 10)
    refresh(session_db, customers=[CID], as_of=T1)
    add_views(session_db, CID, 10, 1)
    session_db.write(q("MATCH (c:Customer {customerId: $id}) SET c.country = 'FR'"), id=CID)
    refresh(session_db, customers=[CID], as_of=T2)
    add_views(session_db, CID, 11, 2)
    refresh(session_db, customers=[CID], as_of=T3)
    yield CID
    session_db.write(q("MATCH (c:Customer {customerId: $id}) DETACH DELETE c"), id=CID)


def tags_of(body: dict[str, object]) -> dict[str, float]:
    portrait = body["data"]["portrait"]  # type: ignore[index]
    return {t["name"]: t["weight"] for d in portrait["dimensions"] for t in d["tags"]}  # type: ignore[index]


def test_tag_history_pages_through_every_version(gql: Gql, versions: str) -> None:
    body = gql(HISTORY, id=versions, tag="activity_30d:high", first=10)
    got = body["data"]["tagHistory"]["versions"]
    assert [(v["reason"], v["validTo"] is None) for v in got] == [(None, True), ("weight_changed", False)]
    seen, after = [], None
    while True:  # one version a page: the cursor walks all of them, newest first, none twice
        page = gql(HISTORY, id=versions, first=1, after=after)["data"]["tagHistory"]
        seen += [(v["tag"], v["validFrom"]) for v in page["versions"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    everything = gql(HISTORY, id=versions, first=50)["data"]["tagHistory"]["versions"]
    assert seen == [(v["tag"], v["validFrom"]) for v in everything] and len(set(seen)) == len(seen)
    assert {"market:DE", "market:FR"} <= {t for t, _ in seen}


def test_portrait_as_of_shows_the_tags_of_that_time(gql: Gql, versions: str) -> None:
    then = tags_of(gql(AS_OF, id=versions, asOf="2026-01-10T12:00:00Z"))
    assert "market:DE" in then and "market:FR" not in then
    assert then["activity_30d:high"] == pytest.approx(0.55)  # the version that held then, as it last stood
    now = tags_of(gql(AS_OF, id=versions, asOf=None))
    assert "market:FR" in now and "market:DE" not in now
    assert now["activity_30d:high"] == pytest.approx(0.65)
    before_any = gql(AS_OF, id=versions, asOf="2025-01-01T00:00:00Z")["data"]["portrait"]
    assert before_any["dimensions"] == []


def test_unknown_customer_and_bad_cursor(gql: Gql, versions: str) -> None:
    assert gql(HISTORY, id="no-such-customer", first=5)["data"]["tagHistory"] is None
    body = gql(HISTORY, id=versions, first=5, after="not-a-cursor")
    assert body["errors"][0]["extensions"]["code"] == "BAD_CURSOR"
    assert gql(HISTORY, id=versions, first=0)["errors"][0]["extensions"]["code"] == "BAD_PAGE_SIZE"


def test_sensitive_versions_only_for_roles_that_read_them(gql: Gql, session_db: Database, versions: str) -> None:
    session_db.write(q("""MATCH (c:Customer {customerId: $id})
        MERGE (t:Tag {name: 'api_history_test:sensitive'})
        SET t.family = 'api_history_test', t.dimension = 'lifecycle', t.sensitive = true
        CREATE (c)-[:HAD_TAG {validFrom: datetime($a), validTo: datetime($b), weight: 1.0, reason: 'ended'}]->(t)"""),
                     id=versions, a=T1, b=T2)
    try:
        def held(role: Role) -> set[str]:
            page = gql(HISTORY, role, id=versions, first=50)["data"]["tagHistory"]
            return {v["tag"] for v in page["versions"]}

        admin = held(Role.ADMIN)
        assert "api_history_test:sensitive" in admin
        for role in (Role.ANALYST, Role.MARKETER):
            seen = held(role)
            assert "api_history_test:sensitive" not in seen and seen
            then = tags_of(gql(AS_OF, role, id=versions, asOf="2026-01-10T12:00:00Z"))
            assert "api_history_test:sensitive" not in then
    finally:
        session_db.write(q("MATCH (t:Tag {name: 'api_history_test:sensitive'}) DETACH DELETE t"))
