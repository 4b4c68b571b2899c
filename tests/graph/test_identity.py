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


def create_records(db: Database, rows: list[tuple[str, str, str, str, str]]) -> None:
    """Customers (id, name, email, phone) each using a device (by id; records may share one)."""
    db.write(q("""
        UNWIND $rows AS r
        CREATE (c:Customer {customerId: r[0], name: r[1], email: r[2], phone: r[3]})
        MERGE (d:Device {deviceId: r[4]})
        CREATE (c)-[:USES]->(d)"""), rows=[list(r) for r in rows])


@pytest.fixture
def records(db: Database) -> Database:
    create_records(db, RECORDS)
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
    versions = ("MATCH (c:Customer) WHERE c.customerId IN ['c1', 'c2'] "
                "RETURN c.portraitVersion AS v ORDER BY c.customerId")
    before = records.read(q(versions))
    done = unlink(records, "c2", "c1", by="test", reason="different birthdays")
    assert (done.a, done.b) == ("c1", "c2") and done.linked_a == [] and done.linked_b == []
    # both portraits changed (their duplicate_identity tags went): every API cache must see it
    assert all(a["v"] is not None and a["v"] != b["v"] for a, b in zip(records.read(q(versions)), before, strict=True))
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
    create_records(db, TYPOS)
    refresh(db, only=["duplicate_identity"])
    assert identity.components(db, "gds") == identity.components(db, "networkx") == {"t1": ["t1", "t2", "t4"]}
    evidence = {(x["a"], x["b"]): " ".join(x["evidence"]) for x in links(db)}  # type: ignore[arg-type]
    assert set(evidence) == {("t2", "t1"), ("t4", "t1")}
    assert "similar email" in evidence[("t2", "t1")] and "same device" in evidence[("t4", "t1")]


LOOK_ALIKES = [
    # id, name, email, phone, device
    ("l1", "Maria Garcia", "maria.garcia@mail.test", "+34 600 0001", "l1"),
    ("l2", "Mario Garcia", "mario.g@mail.test", "+34 600 0002", "l1"),  # her brother on her device
    ("l3", "Francesco Rossi", "francesco.rossi@libero.it", "+39 300 1001", "l3"),
    ("l4", "Francesca Rossi", "francesca.rossi@libero.it", "+39 300 1002", "l4"),  # his sister: a similar email
    ("l5", "Maria Lopez", "lopez.family@mail.test", "+1 555 0200", "l5"),
    ("l6", "Mario Lopez", "lopez.family@mail.test", "+1 555 0200", "l5"),  # family email, phone, device
    ("l7", "Wei Wang", "wei.wang.1@mail.test", "+86 100 0001", "kiosk"),
    ("l8", "Wei Wang", "wangwei88@mail.test", "+86 100 0002", "kiosk"),  # a namesake on the shop tablet
    ("l9", "Ana Silva", "ana.s@mail.test", "+351 900 0001", "kiosk"),
    ("l10", "Omar Khan", "omar.k@mail.test", "+44 700 0001", "kiosk"),
    ("l11", "Maria Johansson", "mj@mail.test", "+46 70 100 0001", "l11"),
    ("l12", "Maria Johasnson", " MJ@mail.test", "+46 70 100 0002", "l12"),  # her: same email, a surname typo
]


def test_look_alike_first_names_and_a_shop_tablet_link_no_one_a_true_typo_still_links(db: Database) -> None:
    # each of these links would let `ckg privacy erase ID --with-linked` erase another person
    create_records(db, LOOK_ALIKES)
    refresh(db, only=["duplicate_identity"])
    assert identity.components(db, "gds") == identity.components(db, "networkx") == {"l11": ["l11", "l12"]}
    weighed = {(k.a, k.b): k for k in identity.candidate_links(db)}
    assert weighed[("l7", "l8")].via == ("shared_device",)  # four records on the tablet: not personal
    assert "names contradict" in weighed[("l5", "l6")].evidence[-1]
    # regrouping only some records (as erasure does) still counts every record on the tablet
    assert identity.resolve(db, "networkx", ["l7", "l8"]).groups == {}


@pytest.mark.parametrize("per_part", [1, 2, 3])
def test_candidates_read_in_parts_are_those_of_one_read(db: Database, per_part: int,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """At a million customers the similar-email keys are grouped in parts (one read per 100,000
    customers); whatever the number of parts, the weighed candidates are the same."""
    create_records(db, RECORDS + TYPOS + LOOK_ALIKES)
    whole = identity.candidate_links(db)
    assert {"similar_email", "email", "phone", "device"} <= {v for k in whole for v in k.via}
    monkeypatch.setattr(identity, "CUSTOMERS_PER_KEY_PART", per_part)
    assert identity.key_parts(db, None) > 5 and identity.key_parts(db, ["t1"]) == 1
    assert identity.candidate_links(db) == whole
