"""The GraphQL API against the real Neo4j: portraits, roles, limits, DataLoaders, mutations."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from ckg.gql import resolvers
from ckg.gql.app import create_app
from ckg.gql.schema import schema
from ckg.graph import locks
from ckg.graph.auth import Role
from ckg.graph.db import Database
from ckg.graph.settings import Settings
from ckg.graph.tags.catalogue import FAMILIES
from ckg.graph.tags.refresh import cypher_passes
from tests.api.conftest import Gql, finished_job

ROOT = Path(__file__).resolve().parents[2]
PORTRAIT = """query($id: ID!) { portrait(customerId: $id) { pAlive customer { id country }
  dimensions { name tags { name weight confidence computedAt description } } } }"""


def test_no_token_is_401_and_health_needs_none(api: TestClient) -> None:
    assert api.post("/graphql", json={"query": "{ __typename }"}).status_code == 401
    bad = api.post("/graphql", json={"query": "{ __typename }"}, headers={"Authorization": "Bearer ckg_nope"})
    assert bad.status_code == 401
    assert api.get("/healthz").status_code == 200


def test_graphiql_opens_with_a_portrait_example(api: TestClient) -> None:
    page = api.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "portrait(customerId: $id)" in page.text


def test_portrait_groups_tags_by_dimension(gql: Gql) -> None:
    data = gql(PORTRAIT, id="c0000002")["data"]["portrait"]
    names = [d["name"] for d in data["dimensions"]]
    assert names[0] == "basic" and len(names) == len(set(names)) >= 3
    for d in data["dimensions"]:
        assert all(t["name"] and 0 <= t["weight"] <= 1 and t["computedAt"] for t in d["tags"])
    assert gql(PORTRAIT, id="nobody")["data"]["portrait"] is None


def test_analyst_gets_an_error_not_the_data_on_pii(gql: Gql) -> None:
    q = '{ customer(id: "c0000001") { id country email name phone } }'
    analyst = gql(q, Role.ANALYST)
    assert analyst["data"]["customer"]["email"] is None
    assert analyst["data"]["customer"]["country"]
    assert {e["path"][-1] for e in analyst["errors"]} == {"email", "name", "phone"}
    assert "@" not in str(analyst)
    marketer = gql(q, Role.MARKETER)
    assert "errors" not in marketer and "@" in marketer["data"]["customer"]["email"]


def test_sensitive_tags_need_admin(gql: Gql) -> None:
    holder = gql('{ customers(filter: {tag: "life_stage:expecting_parent"}, first: 1) { edges { node { id } } } }')
    edges = holder["data"]["customers"]["edges"]
    assert edges, "the dataset should hold a consenting expecting parent"
    cid = edges[0]["node"]["id"]
    q = """query($id: ID!) { customer(id: $id) { tags(dimension: "content_preference") { name sensitive } } }"""
    admin = {t["name"] for t in gql(q, Role.ADMIN, id=cid)["data"]["customer"]["tags"]}
    marketer = {t["name"] for t in gql(q, Role.MARKETER, id=cid)["data"]["customer"]["tags"]}
    assert "life_stage:expecting_parent" in admin
    assert "life_stage:expecting_parent" not in marketer
    explained = gql('query($id: ID!) { explainTag(customerId: $id, tag: "life_stage:expecting_parent") '
                    '{ __typename ... on NotFoundError { message } } }', Role.MARKETER, id=cid)
    assert explained["data"]["explainTag"]["__typename"] == "NotFoundError"


def test_twelve_deep_query_is_refused(gql: Gql) -> None:
    inner = "id"
    for _ in range(11):
        inner = f"similarCustomers(first: 1) {{ customer {{ {inner} }} }}"
    body = gql(f'{{ customer(id: "c0000001") {{ {inner} }} }}')
    assert body.get("data") is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


def test_page_size_and_alias_limits(gql: Gql) -> None:
    big = gql("{ customers(first: 500) { totalCount } }")
    assert "first must be between 1 and 100" in big["errors"][0]["message"]
    aliases = " ".join(f"a{i}: __typename" for i in range(40))
    assert "aliases" in gql(f"{{ {aliases} }}")["errors"][0]["message"]


def test_customer_pages_do_not_overlap(gql: Gql) -> None:
    q = "query($after: String) { customers(first: 40, after: $after) { totalCount edges { node { id } cursor } " \
        "pageInfo { hasNextPage endCursor } } }"
    seen: list[str] = []
    after = None
    for _ in range(3):
        page = gql(q, after=after)["data"]["customers"]
        seen += [e["node"]["id"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 120
    assert page["totalCount"] >= 600


def test_a_page_of_customers_costs_constant_round_trips(gql: Gql, api: TestClient) -> None:
    q = "query($n: Int!) { customers(first: $n) { edges { node { id tags { name } community { id } " \
        "similarCustomers(first: 2) { score } } } } }"
    state = api.app.state  # type: ignore[attr-defined]
    # A marketer reads no sensitive tag, so the read audit's background batch writes stay out of the count.
    gql("{ __typename }", Role.MARKETER)  # the token lookup is cached from here on
    counts = []
    for n in (10, 50):
        before = state.db.round_trips, state.adb.round_trips
        body = gql(q, Role.MARKETER, n=n)
        assert len(body["data"]["customers"]["edges"]) == n
        counts.append((state.db.round_trips - before[0], state.adb.round_trips - before[1]))
    # ids + count, customers, tags, communities, similar (+ their customers): all on the async driver
    assert counts[0] == counts[1] and counts[0][0] == 0 and counts[0][1] <= 7


def test_segment_rule_language(gql: Gql) -> None:
    bad = gql('mutation { defineSegment(name: "x", rule: "tag(\\"a\\") AND") { __typename '
              '... on InvalidRuleError { message } } }', Role.MARKETER)["data"]["defineSegment"]
    assert bad["__typename"] == "InvalidRuleError" and "at the end" in bad["message"]
    ok = gql('mutation { defineSegment(name: "loyal-de", rule: "family(\\"rfm_segment\\") AND NOT '
             'tag(\\"rfm_segment:lost\\")") { __typename ... on JobStarted { job { id state } } } }', Role.MARKETER)
    started = ok["data"]["defineSegment"]
    assert started["__typename"] == "JobStarted" and started["job"]["state"] in ("queued", "running", "succeeded")
    done = finished_job(gql, started["job"]["id"], Role.MARKETER)
    assert done["state"] == "succeeded", done
    size = done["result"]["size"]
    assert size > 0
    seg = gql('{ segment(name: "loyal-de") { size members(first: 5) { totalCount edges { node { id } } } } }')
    assert seg["data"]["segment"]["members"]["totalCount"] == size
    assert gql('mutation { defineSegment(name: "y", rule: "tag(\\"a\\")") { __typename } }',
               Role.ANALYST)["errors"][0]["message"].startswith("This needs")


def test_a_full_refresh_is_a_job_and_runs_once_at_a_time(gql: Gql, session_db: Database) -> None:
    m = "mutation { refreshTags { __typename ... on JobStarted { job { id } } ... on BusyError { message } } }"
    with locks.hold(session_db, locks.FULL_REFRESH, "ckg-tags-refresh-elsewhere"):
        busy = gql(m)["data"]["refreshTags"]
    assert busy["__typename"] == "BusyError" and "already running" in busy["message"]
    started = gql(m)["data"]["refreshTags"]
    assert started["__typename"] == "JobStarted"
    done = finished_job(gql, started["job"]["id"], timeout=600)
    # every stage ran: each Cypher pass, each algorithm family, similar customers and history retention
    stages = len(cypher_passes(FAMILIES)) + sum(1 for f in FAMILIES if f.algorithm) + 2
    assert done["state"] == "succeeded" and done["result"]["families"] == stages, done
    assert not locks.is_held(session_db, locks.FULL_REFRESH)


def test_record_events_refreshes_the_portrait(gql: Gql) -> None:
    m = """mutation($events: [EventInput!]!) { recordEvents(events: $events) { __typename
      ... on EventsRecorded { stored refreshedCustomers } ... on UnknownEntitiesError { unknownCustomers } } }"""
    events = [{"eventId": f"api-{i}", "customerId": "c0000002", "type": "VIEW", "at": "2026-10-31T20:00:00Z",
               "sku": "sku-000001"} for i in range(6)]
    done = gql(m, Role.MARKETER, events=events)["data"]["recordEvents"]
    assert done == {"__typename": "EventsRecorded", "stored": 6, "refreshedCustomers": ["c0000002"]}
    tags = gql('{ customer(id: "c0000002") { tags(dimension: "behaviour") { name } } }')["data"]["customer"]["tags"]
    assert any(t["name"].startswith("activity_30d:") and t["name"] != "activity_30d:dormant" for t in tags)
    unknown = gql(m, Role.MARKETER, events=[{**events[0], "eventId": "api-x", "customerId": "ghost"}])
    assert unknown["data"]["recordEvents"]["unknownCustomers"] == ["ghost"]


def test_explain_tag_and_catalog(gql: Gql) -> None:
    q = ('{ explainTag(customerId: "c0000001", tag: "market:%s") '
         '{ __typename ... on TagExplanation { evidence source } } }')
    country = gql('{ customer(id: "c0000001") { country } }')["data"]["customer"]["country"]
    got = gql(q % country)["data"]["explainTag"]
    assert got["__typename"] == "TagExplanation" and got["evidence"] == [f"country = {country}"]
    cat = gql("{ tagCatalog { families { name } tags { name holders } } }")["data"]["tagCatalog"]
    assert len(cat["families"]) >= 30 and len(cat["tags"]) >= 100


def test_reports_and_enterprises(gql: Gql) -> None:
    data = gql("{ channelQuality { channel customers buyerRate } warehouseDemand(first: 5) { country units } "
               "enterprises(first: 3) { totalCount edges { node { id purchasingPotential { rank } "
               "tags { name } } } } }")["data"]
    assert data["channelQuality"] and all(0 <= c["buyerRate"] <= 1 for c in data["channelQuality"])
    assert len(data["warehouseDemand"]) == 5
    ranks = [e["node"]["purchasingPotential"]["rank"] for e in data["enterprises"]["edges"]]
    assert ranks == sorted(ranks) and ranks[0] == 1


def test_graphql_response_media_type_and_get(api: TestClient, tokens: dict[Role, str]) -> None:
    auth = {"Authorization": f"Bearer {tokens[Role.ANALYST]}"}
    resp = api.post("/graphql", json={"query": "{ __typename }"},
                    headers={**auth, "Accept": "application/graphql-response+json"})
    assert resp.headers["content-type"].startswith("application/graphql-response+json")
    invalid = api.post("/graphql", json={"query": "{ nope }"},
                       headers={**auth, "Accept": "application/graphql-response+json"})
    assert invalid.status_code == 400
    got = api.get("/graphql", params={"query": "{ __typename }"}, headers=auth)
    assert got.json() == {"data": {"__typename": "Query"}}


def test_introspection_can_be_switched_off(settings: Settings, tokens: dict[Role, str]) -> None:
    app = create_app(settings.model_copy(update={"introspection": False}))
    with TestClient(app) as client:
        body = client.post("/graphql", json={"query": "{ __schema { types { name } } }"},
                           headers={"Authorization": f"Bearer {tokens[Role.ADMIN]}"}).json()
    assert body.get("data") is None


def test_checked_in_schema_is_current() -> None:
    assert (ROOT / "docs" / "schema.graphql").read_text() == schema.as_str() + "\n", \
        "run `ckg schema export docs/schema.graphql`"


def test_erase_customer_needs_admin_and_removes_them(gql: Gql) -> None:
    m = 'mutation { eraseCustomer(customerId: "c0000599") { __typename ... on CustomerErased { deletedNodes } } }'
    assert gql(m, Role.MARKETER)["errors"][0]["message"] == "This needs the admin role."
    assert gql(m)["data"]["eraseCustomer"]["__typename"] == "CustomerErased"
    assert gql('{ customer(id: "c0000599") { id } }')["data"]["customer"] is None
    assert gql(m)["data"]["eraseCustomer"]["__typename"] == "NotFoundError"


def test_unexpected_errors_are_masked_in_production(settings: Settings, tokens: dict[Role, str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:

    def broken(*args: object) -> None:
        raise RuntimeError("internal detail: bolt://secret-host")

    monkeypatch.setattr(resolvers.recommend, "recommend", broken)
    query = {"query": '{ recommendations(customerId: "c0000001") { sku } }'}
    auth = {"Authorization": f"Bearer {tokens[Role.ADMIN]}"}
    with TestClient(create_app(settings.model_copy(update={"production": True}))) as client:
        body = client.post("/graphql", json=query, headers=auth).json()
    assert body["errors"][0]["message"] == "Unexpected error."
    assert "secret-host" not in str(body)
    # expected errors (typed, or permission messages) are not masked
    with TestClient(create_app(settings.model_copy(update={"production": True}))) as client:
        denied = client.post("/graphql", json={"query": '{ customer(id: "c0000001") { email } }'},
                             headers={"Authorization": f"Bearer {tokens[Role.ANALYST]}"}).json()
    assert "personal data" in denied["errors"][0]["message"]
