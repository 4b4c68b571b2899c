"""The GraphQL fields the portrait page added, with every role: ``searchCustomers`` finds by id for
all, by name or e-mail only for roles that may read personal data (an analyst learns nothing from
a name search, not even whether it matched), and ``Customer.referrals`` reveals no personal field
and no sensitive tag to analysts and marketers."""

from __future__ import annotations

import time
from typing import Any

import pytest

from ckg.graph.auth import Role
from ckg.graph.db import Database
from ckg.graph.queries import Query

NON_ADMINS = (Role.ANALYST, Role.MARKETER)
PERSONAL = ("name", "email", "phone")
SEARCH = 'query($t: String!) { searchCustomers(text: $t) { id country name email tags { name sensitive } } }'
REFERRALS = '''query($id: ID!) { customer(id: $id) { referrals(first: 20) { direction at
  customer { id country name email phone tags { name sensitive } } } } }'''


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


@pytest.fixture
def holder(session_db: Database, sensitive_holders: list[str]) -> dict[str, Any]:
    rows = session_db.read(q("MATCH (c:Customer {customerId: $id}) RETURN c.customerId AS id, c.email AS email, "
                             "c.name AS name"), id=sensitive_holders[0])
    return dict(rows[0])


def denied(body: dict[str, Any], field: str) -> bool:
    return any(e["path"][-1] == field and "personal data" in e["message"] for e in body.get("errors", []))


@pytest.mark.parametrize("role", list(Role))
def test_search_by_id_works_for_every_role(gql: Any, holder: dict[str, Any], role: Role) -> None:
    body = gql(SEARCH, role, t=holder["id"])
    found = body["data"]["searchCustomers"]
    assert [c["id"] for c in found] == [holder["id"]]
    if role is Role.ADMIN:
        assert found[0]["email"] == holder["email"] and any(t["sensitive"] for t in found[0]["tags"])
    else:
        assert not any(t["sensitive"] for t in found[0]["tags"])
        assert (found[0]["email"] is None and denied(body, "email")) == (role is Role.ANALYST)


def test_an_analyst_learns_nothing_from_a_name_or_email_search(gql: Any, holder: dict[str, Any]) -> None:
    answers = [gql(SEARCH, Role.ANALYST, t=text) for text in
               (holder["email"], holder["name"], holder["name"].split()[0], "nobody-at-all@example.org", "Zzyzx")]
    assert all(a["data"] is None or a["data"]["searchCustomers"] is None for a in answers)
    messages = {a["errors"][0]["message"] for a in answers}
    assert len(messages) == 1 and "marketer or admin" in messages.pop()


def test_a_marketer_finds_by_email_and_name_but_sees_no_sensitive_tag(gql: Any, holder: dict[str, Any]) -> None:
    by_email = gql(SEARCH, Role.MARKETER, t=holder["email"].upper())["data"]["searchCustomers"]
    assert [c["id"] for c in by_email] == [holder["id"]]
    by_name = gql(SEARCH, Role.MARKETER, t=holder["name"].split()[-1].lower())["data"]["searchCustomers"]
    assert holder["id"] in {c["id"] for c in by_name} or len(by_name) == 20
    for c in by_email + by_name:
        assert not any(t["sensitive"] or t["name"].startswith("life_stage:") for t in c["tags"])


def test_referrals_go_both_ways_and_hide_what_roles_may_not_read(gql: Any, session_db: Database,
                                                                 sensitive_holders: list[str]) -> None:
    row = session_db.read(q("""MATCH (a:Customer)-[:REFERRED]->(b:Customer)
                               RETURN a.customerId AS a, b.customerId AS b ORDER BY a, b LIMIT 1"""))[0]
    ours = gql(REFERRALS, Role.ADMIN, id=row["a"])["data"]["customer"]["referrals"]
    assert {"direction": "REFERRED", "id": row["b"]} in [{"direction": r["direction"], "id": r["customer"]["id"]}
                                                       for r in ours]
    theirs = gql(REFERRALS, Role.ADMIN, id=row["b"])["data"]["customer"]["referrals"]
    assert any(r["direction"] == "REFERRED_BY" and r["customer"]["id"] == row["a"] for r in theirs)
    # A referrer or referee of a sensitive tag's holder: their referral must not give the tag away.
    around = session_db.read(q("""MATCH (a:Customer)-[:REFERRED]-(b:Customer) WHERE b.customerId IN $h
                                  RETURN a.customerId AS id ORDER BY id LIMIT 1"""), h=sensitive_holders)
    ids = [row["a"]] + [r["id"] for r in around]
    for role in NON_ADMINS:
        for cid in ids:
            body = gql(REFERRALS, role, id=cid)
            refs = body["data"]["customer"]["referrals"]
            assert refs
            for r in refs:
                assert not any(t["sensitive"] for t in r["customer"]["tags"])
                for field in PERSONAL:
                    assert (r["customer"][field] is None) == (role is Role.ANALYST)
            if role is Role.ANALYST:
                assert all(denied(body, f) for f in PERSONAL)


def test_a_search_by_email_is_audited_and_a_search_by_id_is_not(gql: Any, session_db: Database,
                                                                holder: dict[str, Any]) -> None:
    from ckg.graph.audit import FLUSH_SECONDS
    from ckg.graph.privacy import audit_subject

    def entries() -> list[dict[str, Any]]:
        return [dict(r) for r in session_db.read(q(
            "MATCH (a:AuditEntry {action: 'read', subjectHash: $h, detail: 'search by name or e-mail'}) "
            "RETURN a.actor AS actor"), h=audit_subject(session_db, holder["id"]))]

    # The served API writes its audit about once a second: earlier tests' searches of the same holder
    # may still be in its buffer, so count from where the trail stops moving.
    before = len(entries())
    while True:
        time.sleep(2 * FLUSH_SECONDS)
        settled = len(entries())
        if settled == before:
            break
        before = settled
    gql('query($t: String!) { searchCustomers(text: $t) { id } }', Role.MARKETER, t=holder["id"])
    gql('query($t: String!) { searchCustomers(text: $t) { id } }', Role.MARKETER, t=holder["email"])
    deadline = time.monotonic() + 15  # the read audit writes in the background, about once a second
    while len(entries()) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    after = entries()
    assert len(after) == before + 1 and after[-1]["actor"] == "api:pages-marketer"
