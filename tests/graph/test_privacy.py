"""Privacy against the real Neo4j: consents decide what is held, erasure leaves no trace and lasts,
the clock cannot be moved by one record, and a full refresh runs once at a time."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ckg.graph import consent, events, locks
from ckg.graph.db import Database
from ckg.graph.errors import NotFound
from ckg.graph.privacy import audit_subject, erase_customer, export_customer
from ckg.graph.queries import Query
from ckg.graph.segments import define
from ckg.graph.tags.catalogue import FAMILIES
from ckg.graph.tags.refresh import data_end, refresh
from ckg.loaders.generator import generate
from ckg.loaders.load import load_dataset

BASIS = {f.name: f.basis for f in FAMILIES}


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


@pytest.fixture
def loaded(db: Database, tmp_path: Path) -> Iterator[tuple[Database, Path]]:
    generate(200, 3, tmp_path / "d")
    assert load_dataset(db, tmp_path / "d").ok
    refresh(db)
    yield db, tmp_path / "d"


def latest_consents(data: Path) -> dict[str, dict[str, bool]]:
    """Each customer's latest decision per purpose, read from the source file (not from the graph)."""
    latest: dict[str, dict[str, tuple[str, bool]]] = {}
    with open(data / "consents.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            mine = latest.setdefault(row["customerId"], {})
            at = row["at"]
            if row["purpose"] not in mine or at >= mine[row["purpose"]][0]:
                mine[row["purpose"]] = (at, row["granted"] == "true")
    return {c: {p: g for p, (_, g) in d.items()} for c, d in latest.items()}


def held_families(db: Database) -> dict[str, set[str]]:
    rows = db.read(q("MATCH (c:Customer)-[:HAS_TAG]->(t:Tag) "
                     "RETURN c.customerId AS id, collect(DISTINCT t.family) AS f"))
    return {r["id"]: set(r["f"]) for r in rows}


TRACE = """UNWIND keys(x) AS k WITH x, k, x[k] AS v
WHERE (v IS :: STRING AND any(n IN $needles WHERE v CONTAINS n))
   OR (v IS :: LIST<STRING NOT NULL> AND any(e IN v WHERE any(n IN $needles WHERE e CONTAINS n)))
RETURN k AS key, v AS value LIMIT 20"""


def traces(db: Database, needles: list[str]) -> list[str]:
    """Every node or relationship property, string or list of strings, that contains a needle."""
    nodes = db.read(q("MATCH (x) " + TRACE), needles=needles)
    rels = db.read(q("MATCH ()-[x]->() " + TRACE), needles=needles)
    return [f"{r['key']} = {r['value']!r}" for r in nodes + rels]


def test_no_tag_is_held_without_its_consent(loaded: tuple[Database, Path]) -> None:
    db, data = loaded
    decisions = latest_consents(data)
    held = held_families(db)
    withdrawn = [c for c, d in decisions.items() if d.get("profiling") is False]
    assert withdrawn, "the dataset should have people who refused profiling"
    for cid in withdrawn:
        assert {BASIS[f] for f in held.get(cid, set())} <= {"registered"}, cid
    for cid, fams in held.items():
        if "life_stage" in fams:
            d = decisions.get(cid, {})
            assert d.get("sensitive_inference") is True and d.get("profiling") is not False, cid
    # and consents are not simply empty: people who allow profiling do get profiling tags
    allowed = [c for c, d in decisions.items() if d.get("profiling") is True]
    assert any(BASIS[f] == "profiling" for c in allowed for f in held.get(c, set()))


def test_tags_follow_the_catalogue_even_when_created_earlier(loaded: tuple[Database, Path]) -> None:
    """A family given another basis or sensitivity later changes its existing Tag nodes at the next refresh."""
    db, _ = loaded
    stale = db.write(q("MATCH (t:Tag {family: 'market'}) SET t.basis = 'profiling', t.sensitive = true "
                       "RETURN count(t) AS n"))[0]["n"]
    assert stale > 0
    refresh(db, only=["market"])
    now = db.read(q("MATCH (t:Tag {family: 'market'}) RETURN DISTINCT t.basis AS basis, t.sensitive AS sensitive"))
    assert now == [{"basis": "registered", "sensitive": False}]


def test_recorded_consent_applies_at_once_and_refresh_restores(loaded: tuple[Database, Path]) -> None:
    db, data = loaded
    held = held_families(db)
    cid = next(c for c, fams in sorted(held.items()) if any(BASIS[f] == "profiling" for f in fams))
    done = consent.record_consent(db, cid, "profiling", False, source="test")
    assert done.dropped_tags > 0 and "profiling" not in done.allowed_uses
    assert {BASIS[f] for f in held_families(db).get(cid, set())} <= {"registered"}
    refresh(db, customers=[cid])  # re-deriving does not bring them back while withdrawn
    assert {BASIS[f] for f in held_families(db).get(cid, set())} <= {"registered"}
    consent.record_consent(db, cid, "profiling", True, source="test")
    refresh(db, customers=[cid])
    assert any(BASIS[f] == "profiling" for f in held_families(db)[cid])
    history = consent.consent_history(db, cid)["history"]
    assert [h["granted"] for h in history[:2]] == [True, False]


OUTPUTS = """MATCH (c:Customer)
RETURN c.customerId AS id, EXISTS { (c)-[:MEMBER_OF]->(:Community) } AS member,
       EXISTS { (c)-[:SIMILAR_TO]-(:Customer) } AS similar,
       c.pAlive IS NOT NULL OR c.expectedPurchases90d IS NOT NULL OR c.propensityAt IS NOT NULL AS scored"""


def algorithm_outputs(db: Database) -> dict[str, set[str]]:
    """Per customer, which profiling outputs of the algorithms the graph holds for them."""
    return {r["id"]: {k for k in ("member", "similar", "scored") if r[k]} for r in db.read(q(OUTPUTS))}


def community_sizes_match(db: Database) -> bool:
    rows = db.read(q("MATCH (k:Community) RETURN k.size AS size, COUNT { (k)<-[:MEMBER_OF]-() } AS n"))
    return bool(rows) and all(r["size"] == r["n"] for r in rows)


def test_no_algorithm_output_is_held_without_profiling_consent(loaded: tuple[Database, Path]) -> None:
    db, data = loaded
    refused = {c for c, d in latest_consents(data).items() if d.get("profiling") is False}
    outputs = algorithm_outputs(db)
    assert refused
    assert {c: outputs[c] for c in refused if outputs[c]} == {}
    # the algorithms ran: people who allow profiling have every kind of output
    for kind in ("member", "similar", "scored"):
        assert any(kind in outputs[c] for c in set(outputs) - refused), kind
    assert community_sizes_match(db)


def test_withdrawal_drops_algorithm_outputs_at_once(loaded: tuple[Database, Path]) -> None:
    db, _ = loaded
    everything = {"member", "similar", "scored"}
    cid = next(c for c, o in sorted(algorithm_outputs(db).items()) if o == everything)
    before = db.read(q("MATCH (:Customer {customerId: $id})-[:MEMBER_OF]->(k) RETURN k.communityId AS id, "
                       "k.size AS size"), id=cid)[0]
    consent.record_consent(db, cid, "profiling", False, source="test")
    assert algorithm_outputs(db)[cid] == set()
    after = db.read(q("MATCH (k:Community {communityId: $id}) RETURN k.size AS size"), id=before["id"])
    assert after == ([] if before["size"] == 1 else [{"size": before["size"] - 1}])
    assert community_sizes_match(db)
    refresh(db)  # a full refresh leaves them out while withdrawn
    assert algorithm_outputs(db)[cid] == set()
    consent.record_consent(db, cid, "profiling", True, source="test")
    refresh(db)
    assert algorithm_outputs(db)[cid] == everything


def test_a_refresh_removes_outputs_written_before_a_refusal(loaded: tuple[Database, Path]) -> None:
    """Outputs a refuser held before ckg gated them (or written by hand) go at the next full refresh."""
    db, data = loaded
    refuser = sorted(c for c, d in latest_consents(data).items() if d.get("profiling") is False)[0]
    other = next(c for c, o in sorted(algorithm_outputs(db).items()) if "member" in o)
    db.write(q("""MATCH (r:Customer {customerId: $refuser}), (o:Customer {customerId: $other})
                  MATCH (o)-[:MEMBER_OF]->(k:Community)
                  CREATE (r)-[:MEMBER_OF {since: datetime()}]->(k), (r)-[:SIMILAR_TO {score: 0.9}]->(o)
                  SET r.pAlive = 0.9, r.expectedPurchases90d = 1.5"""), refuser=refuser, other=other)
    assert algorithm_outputs(db)[refuser] == {"member", "similar", "scored"}
    refresh(db)
    assert algorithm_outputs(db)[refuser] == set()
    assert community_sizes_match(db)


def test_segments_hold_only_people_who_allow_marketing(loaded: tuple[Database, Path]) -> None:
    db, data = loaded
    decisions = latest_consents(data)
    everyone = {r["id"] for r in db.read(q("MATCH (c:Customer) RETURN c.customerId AS id"))}
    size = define(db, "all-of-them", 'NOT country("ZZ")')  # a rule on registered data only
    members = {r["id"] for r in db.read(q("MATCH (c)-[:IN_SEGMENT]->(:Segment {name: 'all-of-them'}) "
                                          "RETURN c.customerId AS id"))}
    refused = {c for c, d in decisions.items() if d.get("marketing") is False}
    assert refused and size == len(members) == len(everyone - refused)
    assert not members & refused
    cid = sorted(members)[0]
    left = consent.record_consent(db, cid, "marketing", False, source="test").left_segments
    assert left == 1


def test_segments_on_profiling_hold_and_keep_only_people_who_allow_it(loaded: tuple[Database, Path]) -> None:
    db, data = loaded
    refused = {c for c, d in latest_consents(data).items() if d.get("profiling") is False}
    community = db.read(q("MATCH (k:Community) RETURN k.communityId AS id ORDER BY k.size DESC, id LIMIT 1"))[0]["id"]
    define(db, "the-community", f'community("{community}")')
    define(db, "everyone-but-zz", 'NOT country("ZZ")')
    define(db, "not-likely", 'NOT tag("likely_to_buy_soon")')  # absence of a profiling tag is profiling too

    def members(name: str) -> set[str]:
        return {r["id"] for r in db.read(q("MATCH (c)-[:IN_SEGMENT]->(:Segment {name: $n}) RETURN c.customerId AS id"),
                                         n=name)}

    assert members("the-community") and members("not-likely") and not (members("not-likely") & refused)
    assert members("everyone-but-zz") & refused  # registered data: refusing profiling does not matter
    cid = sorted(members("the-community") & members("everyone-but-zz"))[0]
    in_not_likely = cid in members("not-likely")
    left = consent.record_consent(db, cid, "profiling", False, source="test").left_segments
    assert left == 1 + in_not_likely
    assert cid not in members("the-community") | members("not-likely") and cid in members("everyone-but-zz")


def test_a_withdrawal_in_a_load_applies_at_once(loaded: tuple[Database, Path], tmp_path: Path) -> None:
    """consents.csv in a later load drops the tags, outputs and segments it no longer allows in the
    load's own transaction (no refresh needed), and moves the portrait's version for caches."""
    db, _ = loaded
    define(db, "the-buyers", 'family("rfm_segment")')
    buyers = {r["id"] for r in db.read(q("MATCH (c)-[:IN_SEGMENT]->(:Segment {name: 'the-buyers'}) "
                                         "RETURN c.customerId AS id"))}
    cid = next(c for c, o in sorted(algorithm_outputs(db).items())
               if o == {"member", "similar", "scored"} and c in buyers)
    version = q("MATCH (c:Customer {customerId: $id}) RETURN c.portraitVersion AS v")
    before = db.read(version, id=cid)[0]["v"]
    later = tmp_path / "later"
    later.mkdir()
    at = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")  # after every generated one
    (later / "consents.csv").write_text("consentId,customerId,purpose,granted,at\n"
                                        f"later-1,{cid},profiling,false,{at}\n", encoding="utf-8")
    assert load_dataset(db, later).ok
    assert algorithm_outputs(db)[cid] == set()
    assert {BASIS[f] for f in held_families(db).get(cid, set())} <= {"registered"}
    assert not db.read(q("MATCH (:Customer {customerId: $id})-[:IN_SEGMENT]->(s) RETURN s.name AS s"), id=cid)
    assert db.read(version, id=cid)[0]["v"] != before


def test_erasure_leaves_no_trace_recomputes_and_lasts(loaded: tuple[Database, Path]) -> None:
    db, data = loaded
    victim = db.read(q("""MATCH (ct:Contact)-[:IS_CUSTOMER]->(c:Customer) WHERE c.email IS NOT NULL
                          RETURN c.customerId AS id ORDER BY COUNT { (c)-[:MEMBER_OF]->() } DESC, id
                          LIMIT 1"""))[0]["id"]
    person = db.read(q("""MATCH (c:Customer {customerId: $id})
                          RETURN [x IN [c.customerId, c.email, c.phone] + [(ct:Contact)-[:IS_CUSTOMER]->(c) | ct.email]
                                       + [(ct:Contact)-[:IS_CUSTOMER]->(c) | ct.phone] WHERE x IS NOT NULL] AS needles,
                                  [(c)-[:MEMBER_OF]->(k) | k.communityId] AS communities"""), id=victim)[0]
    # someone else's evidence names the victim before (a referral or an identity link)
    referrer = db.read(q("MATCH (r:Customer)-[:REFERRED]->(:Customer {customerId: $id}) RETURN r.customerId AS id"),
                       id=victim)
    done = erase_customer(db, victim, actor="test")
    assert done.erased == [victim] and done.deleted_nodes > 1
    assert traces(db, person["needles"]) == []
    assert db.read(q("MATCH (ct:Contact) WHERE ct.email IN $n RETURN ct"), n=person["needles"]) == []
    for k in person["communities"]:
        rows = db.read(q("MATCH (k:Community {communityId: $k}) "
                         "RETURN k.size AS size, COUNT { (k)<-[:MEMBER_OF]-() } AS members"), k=k)
        assert rows == [] or rows[0]["size"] == rows[0]["members"]
    if referrer:
        evidence = db.read(q("MATCH (:Customer {customerId: $id})-[h:HAS_TAG]->() RETURN h.evidence AS e"),
                           id=referrer[0]["id"])
        assert victim not in str(evidence)
    # the audit names the erasure by keyed hash only
    audit = db.read(q("MATCH (a:AuditEntry {action: 'erase'}) RETURN a.subjectHash AS h, a.actor AS actor"))
    assert audit == [{"h": audit_subject(db, victim), "actor": "test"}]
    # and loading the original files again does not bring the person back
    report = load_dataset(db, data)
    assert report.ok and report.suppressed >= 1 and report.files["customers.csv"].suppressed == 1
    assert db.read(q("MATCH (c:Customer {customerId: $id}) RETURN c"), id=victim) == []
    assert traces(db, person["needles"]) == []
    with pytest.raises(NotFound):
        erase_customer(db, victim, actor="test")


def second_record(db: Database, of: str, new_id: str) -> None:
    """A second record of the same person, as a shop that registered them twice would hold."""
    db.write(q("""MATCH (c:Customer {customerId: $of})
                  CREATE (:Customer {customerId: $id, name: c.name, email: c.email, phone: c.phone,
                                     country: c.country, registeredAt: c.registeredAt})"""), of=of, id=new_id)


def test_linked_records_are_listed_and_erased_with_linked(loaded: tuple[Database, Path]) -> None:
    db, _ = loaded
    people = [r["id"] for r in db.read(q("MATCH (c:Customer) WHERE c.email IS NOT NULL AND c.phone IS NOT NULL "
                                         "AND NOT EXISTS { (c)-[:SAME_PERSON_AS]-() } "
                                         "RETURN c.customerId AS id ORDER BY id LIMIT 2"))]
    for n, person in enumerate(people):
        second_record(db, person, f"zz-second-{n}")
    refresh(db, only=["duplicate_identity"])
    linked = db.read(q("MATCH (a:Customer)-[:SAME_PERSON_AS]-(b:Customer) WHERE a.customerId IN $p "
                       "RETURN a.customerId AS a, b.customerId AS b ORDER BY a"), p=people)
    assert [(r["a"], r["b"]) for r in linked] == [(people[0], "zz-second-0"), (people[1], "zz-second-1")]
    kept = erase_customer(db, people[0], actor="test")
    assert kept.linked_kept == ["zz-second-0"]
    assert db.read(q("MATCH (c:Customer {customerId: 'zz-second-0'}) RETURN c.customerId AS id"))
    evidence = db.read(q("MATCH (:Customer {customerId: 'zz-second-0'})-[h:HAS_TAG]->() RETURN h.evidence AS e"))
    assert people[0] not in str(evidence)  # the survivor's identity evidence no longer names them
    done = erase_customer(db, people[1], actor="test", with_linked=True)  # the second person, erased whole
    assert set(done.erased) == {people[1], "zz-second-1"} and done.linked_kept == []
    assert db.read(q("MATCH (c:Customer) WHERE c.customerId IN $ids RETURN c"), ids=done.erased) == []


def test_export_holds_consents_tags_with_basis_and_audit(loaded: tuple[Database, Path]) -> None:
    db, data = loaded
    cid = sorted(latest_consents(data))[0]
    export_customer(db, cid, actor="first")
    doc = export_customer(db, cid, actor="second")
    assert doc["consents"]["history"] and doc["consents"]["allowedUses"]
    assert all(t["basis"] in ("registered", "profiling", "sensitive_inference") for t in doc["tags"])
    assert [a["actor"] for a in doc["audit"]] == ["first"]


def test_export_names_the_records_linked_as_the_same_person(loaded: tuple[Database, Path]) -> None:
    db, _ = loaded
    pair = db.read(q("MATCH (a:Customer)-[:SAME_PERSON_AS]->(b:Customer) RETURN a.customerId AS a, "
                     "b.customerId AS b, COUNT { (a)-[:SIMILAR_TO]-(:Customer) } AS links ORDER BY a LIMIT 1"))
    assert pair, "the dataset should have duplicate records"
    doc = export_customer(db, pair[0]["a"], actor="test")
    assert [r["customerId"] for r in doc["sameRecords"]] == [pair[0]["b"]]
    assert doc["sameRecords"][0]["via"] and doc["sameRecords"][0]["evidence"]
    assert doc["similarityLinks"] == pair[0]["links"]
    assert pair[0]["a"] in {r["customerId"] for r in export_customer(db, pair[0]["b"], actor="test")["sameRecords"]}


def test_future_events_are_refused_and_cannot_move_now(loaded: tuple[Database, Path]) -> None:
    db, _ = loaded
    before = data_end(db)
    with pytest.raises(events.InvalidEvent, match="in the future"):
        events.record(db, [events.Event("ev-2199", "c0000003", "view", "2199-01-01T00:00:00Z", "sku-000001")])
    assert db.read(q("MATCH ()-[r:VIEWED {eventId: 'ev-2199'}]->() RETURN r")) == []
    # a record that slipped in earlier (written directly) cannot move "now" past the clock
    db.write(q("MATCH (c:Customer {customerId: 'c0000003'}) "
               "CREATE (c)-[:PLACED]->(:Order {orderId: 'o-2199', placedAt: datetime('2199-01-01T00:00:00Z')})"))
    assert data_end(db) == before


def test_only_one_full_refresh_at_a_time(loaded: tuple[Database, Path]) -> None:
    db, _ = loaded
    with locks.hold(db, locks.FULL_REFRESH, "someone-else"), pytest.raises(locks.LockBusy):
        refresh(db, only=["market"])
    refresh(db, only=["market"])  # free again once released
