"""Identity resolution on hand-made records: households, recycled phones, variants, unlinking."""

from __future__ import annotations

import pytest

from ckg.graph.algorithms import identity
from ckg.graph.db import Database
from ckg.graph.identity import identity_group, unlink
from ckg.graph.queries import Query
from ckg.graph.tags.refresh import refresh

RECORDS = [
    # id, name, email, phone, device
    ("c1", "Maria Lopez", "maria.lopez@mail.test", "+1 555 0100", "d1"),
    ("c2", "MARIA LOPEZ", " Maria.Lopez@Mail.test ", "1-555-0100", "d2"),  # the same person again
    ("c3", "Daniel Lopez", "maria.lopez@mail.test", "+1 555 0100", "d1"),  # her household
    ("c4", "Kenji Sato", "kenji@mail.test", "+15550100", "d4"),  # her old number, recycled
    ("c5", "Anna Berg", "anna@mail.test", "+46 70 000 0005", "d5"),
    ("c6", "Erik Berg", "erik.berg@mail.test", "+46 70 000 0006", "d5"),  # her relative on the family device
]


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


@pytest.fixture
def records(db: Database) -> Database:
    db.write(q("""
        UNWIND $rows AS r
        CREATE (c:Customer {customerId: r[0], name: r[1], email: r[2], phone: r[3]})
        MERGE (d:Device {deviceId: r[4]})
        CREATE (c)-[:USES]->(d)"""), rows=[list(r) for r in RECORDS])
    return db


TYPOS = [
    ("t1", "Sofia Rossi", "sofia.rossi.77@mail.test", "+39 300 0001", "t1"),
    ("t2", "sofia rossi", "sfoia.rossi.77@mail.test", "+39 300 0002", "t2"),  # her email with a typo
    ("t3", "Sofia Rossi", "sofia.rossi.78@mail.test", "+39 300 0003", "t3"),  # a numbered account: someone else
    ("t4", "Sofia Rossi", "rossi.home@mail.test", "+39 300 0004", "t1"),  # her device, her name, a new email
    ("t5", "Luca Rossi", "luca.rossi.77@mail.test", "+39 300 0005", "t1"),  # her relative on the same device
]


def links(db: Database) -> list[dict[str, object]]:
    return db.read(q("MATCH (a:Customer)-[s:SAME_PERSON_AS]->(b:Customer) RETURN a.customerId AS a, "
                     "b.customerId AS b, s.confidence AS confidence, s.evidence AS evidence ORDER BY a"))


def test_only_the_true_duplicate_is_linked_and_the_link_explains_itself(records: Database) -> None:
    refresh(records, only=["duplicate_identity"])
    found = links(records)
    assert [(x["a"], x["b"]) for x in found] == [("c2", "c1")]
    assert found[0]["confidence"] >= identity.LINK_THRESHOLD  # type: ignore[operator]
    assert any("same email" in e and "name similarity" in e for e in found[0]["evidence"])  # type: ignore[attr-defined]
    assert identity.components(records, "gds") == identity.components(records, "networkx") == {"c1": ["c1", "c2"]}
    tag = records.read(q("MATCH (:Customer {customerId: 'c2'})-[h:HAS_TAG]->(:Tag {name: 'duplicate_identity'}) "
                         "RETURN h.confidence AS c"))
    assert tag and tag[0]["c"] == pytest.approx(found[0]["confidence"], abs=1e-3)


def test_unlink_is_recorded_applied_at_once_and_respected_by_later_refreshes(records: Database) -> None:
    refresh(records, only=["duplicate_identity"])
    done = unlink(records, "c2", "c1", by="test", reason="different birthdays")
    assert (done.a, done.b) == ("c1", "c2") and done.linked_a == [] and done.linked_b == []
    assert links(records) == []
    refresh(records, only=["duplicate_identity"])
    assert links(records) == []
    info = identity_group(records, "c1")
    assert info["notSame"][0]["id"] == "c2" and info["notSame"][0]["reason"] == "different birthdays"
    assert records.read(q("MATCH (:Customer)-[h:HAS_TAG]->(:Tag {name: 'duplicate_identity'}) RETURN h")) == []


def test_a_declared_pair_is_cut_apart_even_when_a_third_record_joins_them(records: Database) -> None:
    records.write(q("CREATE (:Customer {customerId: 'c7', name: 'Maria Lopez', email: 'maria.lopez@mail.test'})"))
    # c7 shares c1's email (and c2's, normalised): one person of three until c1 and c7 are declared distinct
    refresh(records, only=["duplicate_identity"])
    assert identity.components(records, "networkx") == {"c1": ["c1", "c2", "c7"]}
    unlink(records, "c1", "c7", by="test")
    groups = identity.components(records, "networkx")
    assert all(not {"c1", "c7"} <= set(g) for g in groups.values())
    assert identity.components(records, "gds") == groups


def test_a_similar_email_or_a_device_with_the_same_name_links_a_relative_does_not(db: Database) -> None:
    db.write(q("""
        UNWIND $rows AS r
        CREATE (c:Customer {customerId: r[0], name: r[1], email: r[2], phone: r[3]})
        MERGE (d:Device {deviceId: r[4]})
        CREATE (c)-[:USES]->(d)"""), rows=[list(r) for r in TYPOS])
    refresh(db, only=["duplicate_identity"])
    assert identity.components(db, "gds") == identity.components(db, "networkx") == {"t1": ["t1", "t2", "t4"]}
    evidence = {(x["a"], x["b"]): " ".join(x["evidence"]) for x in links(db)}  # type: ignore[arg-type]
    assert set(evidence) == {("t2", "t1"), ("t4", "t1")}
    assert "similar email" in evidence[("t2", "t1")] and "same device" in evidence[("t4", "t1")]
