"""Privacy through GraphQL with every role: who holds a sensitive tag is an admin's knowledge only,
consents act at once, reads of personal data are audited, and bad arguments get typed errors."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from ckg.gql import resolvers
from ckg.gql.app import create_app
from ckg.graph.auth import Role
from ckg.graph.changes import portraits_changed
from ckg.graph.db import Database
from ckg.graph.errors import QueryFailed
from ckg.graph.privacy import audit_subject
from ckg.graph.queries import Query
from ckg.graph.settings import Settings
from ckg.graph.tags.catalogue import FAMILIES
from tests.api.conftest import Gql, finished_job

SENSITIVE = "life_stage:expecting_parent"
NON_ADMINS = (Role.ANALYST, Role.MARKETER)
BASIS = {f.name: f.basis for f in FAMILIES}
COUNT = 'query($f: CustomerFilter!) { customers(filter: $f, first: 100) { totalCount edges { node { id } } } }'


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


def holders(session_db: Database) -> list[str]:
    rows = session_db.read(q("MATCH (c:Customer)-[:HAS_TAG]->(:Tag {name: $t}) RETURN c.customerId AS id ORDER BY id"),
                           t=SENSITIVE)
    return [r["id"] for r in rows]


def test_the_dataset_has_holders_of_the_sensitive_tag(session_db: Database, gql: Gql) -> None:
    assert holders(session_db), "the privacy tests below need at least one holder"


@pytest.mark.parametrize("role", NON_ADMINS)
def test_a_tag_filter_never_reveals_who_holds_a_sensitive_tag(gql: Gql, session_db: Database, role: Role) -> None:
    admin = gql(COUNT, Role.ADMIN, f={"tag": SENSITIVE})["data"]["customers"]
    assert admin["totalCount"] == len(holders(session_db)) > 0
    held = gql(COUNT, role, f={"tag": SENSITIVE})["data"]["customers"]
    nobody = gql(COUNT, role, f={"tag": "life_stage:nobody_holds_this"})["data"]["customers"]
    assert held == nobody == {"totalCount": 0, "edges": []}
    by_family = gql(COUNT, role, f={"dimension": "content_preference", "tag": SENSITIVE})["data"]["customers"]
    assert by_family["totalCount"] == 0


@pytest.mark.parametrize("role", NON_ADMINS)
def test_catalogue_portrait_and_explanations_hide_sensitive_tags(gql: Gql, session_db: Database, role: Role) -> None:
    holder = holders(session_db)[0]
    catalog = gql("{ tagCatalog { tags { name sensitive holders } } }", role)["data"]["tagCatalog"]["tags"]
    assert all(not t["sensitive"] for t in catalog) and SENSITIVE not in {t["name"] for t in catalog}
    portrait = gql('query($id: ID!) { portrait(customerId: $id) { dimensions { tags { name sensitive } } } }',
                   role, id=holder)["data"]["portrait"]
    assert not [t for d in portrait["dimensions"] for t in d["tags"] if t["sensitive"]]
    explain = ('query($id: ID!) { explainTag(customerId: $id, tag: "%s") '
               '{ __typename ... on NotFoundError { message } } }')
    non_holder = next(c for c in ("c0000002", "c0000004", "c0000006") if c not in holders(session_db))
    a = gql(explain % SENSITIVE, role, id=holder)["data"]["explainTag"]
    b = gql(explain % SENSITIVE, role, id=non_holder)["data"]["explainTag"]
    assert a["__typename"] == b["__typename"] == "NotFoundError"
    assert a["message"].replace(holder, "X") == b["message"].replace(non_holder, "X")


def test_segments_on_sensitive_tags_are_for_admins_only(gql: Gql) -> None:
    define = 'mutation($r: String!) { defineSegment(name: "expecting", rule: $r) { __typename ' \
             '... on InvalidRuleError { message } ... on JobStarted { job { id } } } }'
    for rule in (f'tag("{SENSITIVE}")', 'family("life_stage")', f'country("DE") OR tag("{SENSITIVE}")'):
        refused = gql(define, Role.MARKETER, r=rule)["data"]["defineSegment"]
        assert refused["__typename"] == "InvalidRuleError" and "only admins" in refused["message"]
    started = gql(define, Role.ADMIN, r=f'tag("{SENSITIVE}")')["data"]["defineSegment"]
    done = finished_job(gql, started["job"]["id"], Role.ADMIN)
    assert done["state"] == "succeeded" and done["result"]["size"] > 0
    others = gql('query($id: ID!) { job(id: $id) { result } }', Role.MARKETER, id=started["job"]["id"])
    assert others["data"]["job"] is None  # an admin's job is not a marketer's to read
    seg = '{ segment(name: "expecting") { size } }'
    assert gql(seg, Role.ADMIN)["data"]["segment"]["size"] == done["result"]["size"]
    for role in NON_ADMINS:
        assert gql(seg, role)["data"]["segment"] is None
        assert gql(COUNT, role, f={"segment": "expecting"})["data"]["customers"]["totalCount"] == 0
    assert gql(COUNT, Role.ADMIN, f={"segment": "expecting"})["data"]["customers"]["totalCount"] > 0


def test_a_dimension_rule_sees_no_sensitive_tag(gql: Gql, session_db: Database) -> None:
    """A marketer's rule over a dimension that holds a sensitive family matches on the other tags only."""
    rule = 'dimension("content_preference") AND NOT family("interest") AND NOT family("brand_affinity") ' \
           'AND NOT family("preference_cluster")'
    started = gql('mutation($r: String!) { defineSegment(name: "cp-only", rule: $r) { ... on JobStarted '
                  '{ job { id } } } }', Role.MARKETER, r=rule)["data"]["defineSegment"]
    done = finished_job(gql, started["job"]["id"], Role.MARKETER)
    assert done["state"] == "succeeded" and done["result"]["size"] == 0


def test_withdrawn_consent_shows_on_the_very_next_request(gql: Gql, session_db: Database) -> None:
    cid = session_db.read(q("""MATCH (c:Customer)-[:HAS_TAG]->(t:Tag {basis: 'profiling'})
                               WHERE NOT c.customerId IN ['c0000001', 'c0000002']
                               RETURN c.customerId AS id ORDER BY id LIMIT 1"""))[0]["id"]
    m = 'mutation($id: ID!) { recordConsent(customerId: $id, purpose: PROFILING, granted: false) { __typename ' \
        '... on ConsentRecorded { allowedUses droppedTags refreshed } } }'
    assert gql(m, Role.ANALYST, id=cid)["errors"][0]["message"].startswith("This needs")
    done = gql(m, Role.MARKETER, id=cid)["data"]["recordConsent"]
    assert done["__typename"] == "ConsentRecorded" and done["droppedTags"] > 0 and done["refreshed"]
    assert "profiling" not in done["allowedUses"]
    query = 'query($id: ID!) { customer(id: $id) { tags { name } } }'
    tags = gql(query, Role.ADMIN, id=cid)["data"]["customer"]["tags"]
    assert tags and {BASIS[t["name"].split(":")[0]] for t in tags} == {"registered"}


def test_personal_reads_are_audited_by_token_name(gql: Gql, api: TestClient, session_db: Database) -> None:
    gql('{ customer(id: "c0000005") { email phone } }', Role.MARKETER)
    api.app.state.audit.flush()  # type: ignore[attr-defined]
    rows = session_db.read(q("MATCH (a:AuditEntry {action: 'read', subjectHash: $h}) "
                             "RETURN a.actor AS actor, a.detail AS detail ORDER BY detail"),
                           h=audit_subject(session_db, "c0000005"))
    assert {"actor": "api:test-marketer", "detail": "email"} in rows
    assert {"actor": "api:test-marketer", "detail": "phone"} in rows
    assert "c0000005" not in str(session_db.read(q("MATCH (a:AuditEntry) RETURN collect(properties(a)) AS a")))


def test_export_is_for_admins_and_holds_consents_and_basis(gql: Gql) -> None:
    m = 'mutation { exportCustomer(customerId: "c0000007") { __typename ... on CustomerExport { document } } }'
    assert gql(m, Role.MARKETER)["errors"][0]["message"] == "This needs the admin role."
    doc = gql(m, Role.ADMIN)["data"]["exportCustomer"]["document"]
    assert doc["customer"]["customerId"] == "c0000007" and "history" in doc["consents"]
    assert all("basis" in t for t in doc["tags"])


def test_future_events_are_refused_and_store_nothing(gql: Gql, session_db: Database) -> None:
    m = """mutation($e: [EventInput!]!) { recordEvents(events: $e) { __typename
      ... on InvalidEventsError { message eventId } } }"""
    events = [{"eventId": "ok-1", "customerId": "c0000003", "type": "VIEW", "at": "2026-10-01T10:00:00Z",
               "sku": "sku-000001"},
              {"eventId": "far-1", "customerId": "c0000003", "type": "VIEW", "at": "2199-01-01T00:00:00Z",
               "sku": "sku-000001"}]
    res = gql(m, Role.MARKETER, e=events)["data"]["recordEvents"]
    assert res["__typename"] == "InvalidEventsError" and res["eventId"] == "far-1" and "future" in res["message"]
    stored = session_db.read(q("MATCH ()-[r:VIEWED]->() WHERE r.eventId IN ['ok-1', 'far-1'] RETURN r"))
    assert stored == []


def test_typed_errors_for_bad_arguments(gql: Gql) -> None:
    empty = gql("mutation { refreshTags(customerIds: []) { __typename ... on TagsRefreshed { customers } } }")
    assert empty["data"]["refreshTags"] == {"__typename": "TagsRefreshed", "customers": 0}
    for first in (0, 101):
        body = gql("query($n: Int!) { customers(first: $n) { totalCount } }", n=first)
        assert body["data"] == {"customers": None}
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_PAGE_SIZE" and "1 and 100" in error["message"]
    bad = gql('{ customer(id: "c0000003") { orders(after: "b3JkZXI6eHl6") { totalCount } } }')  # "order:xyz"
    assert bad["errors"][0]["extensions"]["code"] == "BAD_CURSOR"
    name = gql('mutation { defineSegment(name: "a\\u202eb", rule: "country(\\"DE\\")") { __typename '
               '... on InvalidRuleError { message } } }', Role.MARKETER)["data"]["defineSegment"]
    assert name["__typename"] == "InvalidRuleError" and "invisible" in name["message"]
    escape = gql('mutation { defineSegment(name: "esc", rule: "tag(\\"\\\\x\\")") { __typename '
                  '... on InvalidRuleError { message } } }', Role.MARKETER)["data"]["defineSegment"]
    assert escape["__typename"] == "InvalidRuleError" and "unknown escape" in escape["message"]


def test_neo4j_error_text_is_masked_in_production(settings: Settings, tokens: dict[Role, str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise QueryFailed("Neo4j refused a query (Neo.ClientError.Statement.SyntaxError): near MATCH (n:Secret)")

    monkeypatch.setattr(resolvers.recommend, "recommend", refused)
    production = settings.model_copy(update={"production": True})
    with TestClient(create_app(production)) as client:
        body = client.post("/graphql", json={"query": '{ recommendations(customerId: "c0000003") { sku } }'},
                           headers={"Authorization": f"Bearer {tokens[Role.ADMIN]}"}).json()
    assert body["errors"][0]["message"] == "Unexpected error." and "Secret" not in str(body)


OUTPUTS = """query($id: ID!, $k: ID!, $o: ID!, $ks: String!) {
  customer(id: $id) { pAlive expectedPurchases90d community { id } similarCustomers(first: 100) { customer { id } } }
  other: customer(id: $o) { similarCustomers(first: 100) { customer { id } } }
  community(id: $k, first: 100) { memberIds }
  portrait(customerId: $id) { pAlive expectedPurchases90d customer { community { id } } }
  customers(filter: {community: $ks}, first: 100) { totalCount edges { node { id } } }
}"""


def shown(answer: dict[str, Any], cid: str) -> dict[str, bool]:
    """Which of the customer's algorithm outputs an answer to OUTPUTS shows."""
    d = answer["data"]
    return {"pAlive": d["customer"]["pAlive"] is not None or d["portrait"]["pAlive"] is not None,
            "expected": d["customer"]["expectedPurchases90d"] is not None,
            "community": d["customer"]["community"] is not None or d["portrait"]["customer"]["community"] is not None,
            "similar": bool(d["customer"]["similarCustomers"]),
            "similar_of_other": cid in {s["customer"]["id"] for s in d["other"]["similarCustomers"]},
            "member": cid in d["community"]["memberIds"],
            "filter": cid in {e["node"]["id"] for e in d["customers"]["edges"]}}


@pytest.mark.parametrize("role", [Role.MARKETER, Role.ADMIN])
def test_algorithm_outputs_show_only_while_profiling_is_allowed(gql: Gql, session_db: Database, role: Role) -> None:
    """Communities, similarity links and BG/NBD scores are profiling: once a customer's consents
    no longer allow it, no role reads them, even while the graph still holds what was written
    before (here allowedUses changes under them, as when outputs predate the consent rule)."""
    row = session_db.read(q("""
        MATCH (c:Customer)-[:MEMBER_OF]->(k:Community), (c)<-[:SIMILAR_TO]-(o:Customer)
        WHERE c.pAlive IS NOT NULL AND k.size <= 100 AND NOT c.customerId IN ['c0000001', 'c0000002']
          AND coalesce('profiling' IN c.allowedUses, true) AND coalesce('profiling' IN o.allowedUses, true)
          AND COUNT { (c)-[:SIMILAR_TO]-() } <= 100 AND COUNT { (o)-[:SIMILAR_TO]-() } <= 100
        RETURN c.customerId AS id, k.communityId AS k, o.customerId AS o, c.allowedUses AS uses
        ORDER BY id LIMIT 1"""))[0]
    cid = row["id"]
    before = gql(OUTPUTS, role, id=cid, k=row["k"], ks=row["k"], o=row["o"])
    assert all(shown(before, cid).values())
    set_uses = q("MATCH (c:Customer {customerId: $id}) SET c.allowedUses = $uses")
    session_db.write(set_uses, id=cid, uses=["registered", "marketing"])
    try:
        # every path that changes consents moves the portrait's version (recordConsent, the CLI, a
        # load); a change made by hand like this one does not, so the test moves it
        portraits_changed(session_db, [cid])
        after = gql(OUTPUTS, role, id=cid, k=row["k"], ks=row["k"], o=row["o"])
        hidden = shown(after, cid)
        assert not any(hidden.values()), hidden
        assert after["data"]["customers"]["totalCount"] == before["data"]["customers"]["totalCount"] - 1
    finally:
        session_db.write(set_uses, id=cid, uses=row["uses"])
        portraits_changed(session_db, [cid])
