"""A full refresh skips what did not change: every stage of an unchanged graph is skipped (no tag
written, every community id kept), and a change to one input re-runs what reads it and moves its tags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ckg.graph import locks
from ckg.graph.category_map import category_map_toml
from ckg.graph.consent import record_consent
from ckg.graph.db import Database
from ckg.graph.identity import unlink
from ckg.graph.privacy import erase_customer
from ckg.graph.quality import data_quality
from ckg.graph.queries import Query, queries
from ckg.graph.tags import refresh as refresh_module
from ckg.graph.tags.catalogue import TagFamily
from ckg.graph.tags.refresh import CONSENT_SWEEP, DATA_END, PARTIAL, Refresher, RefreshResult, Stage, refresh
from ckg.loaders import catalogue_data as cd
from ckg.loaders.generator import generate
from ckg.loaders.load import Loader, load_dataset

RETENTION = "tag_history_retention"  # pruning history: cheap, always runs
SIMILARITY_STAGE = "similar_customers"  # FastRP + kNN over purchases: no event feeds it


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


def stage(result: RefreshResult, family: str) -> Stage:
    """The stage that derives ``family`` (a fused pass names all its families)."""
    return next(s for s in result.stages if family in s.name.split("+"))


def ran(result: RefreshResult) -> set[str]:
    return {s.name for s in result.stages if not s.skipped and s.name != RETENTION}


def tags(db: Database) -> list[tuple[str, str, float, str]]:
    rows = db.read(q("MATCH (s)-[h:HAS_TAG]->(t:Tag) RETURN coalesce(s.customerId, s.enterpriseId) AS id, "
                     "t.name AS tag, h.weight AS w, toString(h.since) AS since"))
    return sorted((r["id"], r["tag"], r["w"], r["since"]) for r in rows)


def tags_of(db: Database, cid: str, family: str) -> list[tuple[str, float]]:
    rows = db.read(q("MATCH (:Customer {customerId: $id})-[h:HAS_TAG]->(t:Tag {family: $family}) "
                     "RETURN t.name AS tag, h.weight AS w ORDER BY tag"), id=cid, family=family)
    return [(r["tag"], r["w"]) for r in rows]


def memberships(db: Database) -> dict[str, str]:
    rows = db.read(q("MATCH (c:Customer)-[:MEMBER_OF]->(k:Community {kind: 'social'}) "
                     "RETURN c.customerId AS id, k.communityId AS community"))
    return {r["id"]: r["community"] for r in rows}


@pytest.fixture
def loaded(db: Database, tmp_path: Path) -> Database:
    generate(300, 8, tmp_path / "d")
    assert load_dataset(db, tmp_path / "d").ok
    return db


@pytest.mark.parametrize("engine", ["gds", "networkx"])
def test_unchanged_refresh_skips_every_stage_writes_no_tag_and_keeps_community_ids(loaded: Database,
                                                                                   engine: str) -> None:
    first = refresh(loaded, engine=engine)
    assert not any(s.skipped for s in first.stages) and first.skipped == []
    assert all(s.note == "no earlier run" for s in first.stages if s.name != RETENTION)
    before, communities = tags(loaded), memberships(loaded)
    assert before and len(set(communities.values())) >= 2

    second = refresh(loaded, engine=engine)
    assert ran(second) == set(), [(s.name, s.note) for s in second.stages if not s.skipped]
    assert all(s.note == "unchanged inputs" for s in second.stages if s.skipped)
    assert {DATA_END, CONSENT_SWEEP} <= set(second.skipped)
    assert second.as_of == first.as_of
    assert sum(second.tag_writes.values()) == 0
    # the record that the refresh ran is bookkeeping, kept apart from tag writes: no new node either
    assert second.bookkeeping_writes["nodes_created"] == 0
    assert tags(loaded) == before
    assert memberships(loaded) == communities

    if engine == "networkx":  # seeded: forced, every stage runs again and finds the same tags
        forced = refresh(loaded, engine=engine, force=True)
        assert not any(s.skipped for s in forced.stages)
        assert all(s.note == "forced" for s in forced.stages if s.name != RETENTION)
        assert sum(forced.tag_writes.values()) == 0
        assert tags(loaded) == before and memberships(loaded) == communities


def test_a_new_order_reruns_what_reads_orders_and_its_tags_change(loaded: Database) -> None:
    refresh(loaded, engine="networkx")
    cid = loaded.read(q("MATCH (c:Customer) WHERE 'profiling' IN c.allowedUses AND NOT (c)-[:PLACED]->() "
                        "RETURN c.customerId AS id ORDER BY id LIMIT 1"))[0]["id"]
    assert tags_of(loaded, cid, "purchase_category") == []
    # written as an application would, without `ckg load`: only the counts say something changed
    loaded.write(q("""
        MATCH (c:Customer {customerId: $id})
        MATCH (p:Product) WITH c, p ORDER BY p.sku LIMIT 1
        CREATE (c)-[:PLACED]->(o:Order {orderId: 'skip-test-order', placedAt: datetime('2026-10-01T10:00:00Z'),
                                        total: 50.0, currency: 'USD', totalUsd: 50.0, status: 'delivered',
                                        promo: false})
        CREATE (o)-[:CONTAINS {quantity: 1, unitPrice: 50.0}]->(p)"""), id=cid)
    again = refresh(loaded, engine="networkx")
    for family in ("purchase_category", "purchasing_power", "rfm_segment", "likely_to_buy_soon"):
        assert not stage(again, family).skipped, family
    assert "PLACED" in stage(again, "purchase_category").note
    # what reads no order is skipped: registered attributes, social reach, enterprises' own fields
    for family in ("market", "sharer", "enterprise_size"):
        assert stage(again, family).skipped, family
    assert tags_of(loaded, cid, "purchase_category") != []
    assert sum(again.tag_writes.values()) > 0


def test_consent_withdrawal_erasure_and_unlink_each_rerun_what_they_feed(loaded: Database) -> None:
    refresh(loaded, engine="networkx")
    # a withdrawal applies at once; the next full refresh runs every stage (tags changed since) and
    # derives nothing the consent no longer allows
    cid = loaded.read(q("MATCH (c:Customer)-[:HAS_TAG]->(:Tag {basis: 'profiling'}) "
                        "RETURN c.customerId AS id ORDER BY id LIMIT 1"))[0]["id"]
    record_consent(loaded, cid, "profiling", False, source="test")
    after = refresh(loaded, engine="networkx")
    assert not stage(after, "interest").skipped and not stage(after, "social_community").skipped
    assert CONSENT_SWEEP not in after.skipped
    held = loaded.read(q("MATCH (:Customer {customerId: $id})-[:HAS_TAG]->(t:Tag) RETURN t.basis AS b"), id=cid)
    assert {r["b"] for r in held} <= {"registered"}
    assert ran(refresh(loaded, engine="networkx")) == set()

    # an identity decision: resolution re-runs and the pair is no longer linked
    pair = loaded.read(q("MATCH (a:Customer)-[:SAME_PERSON_AS]->(b:Customer) "
                         "RETURN a.customerId AS a, b.customerId AS b ORDER BY a LIMIT 1"))
    assert pair, "the generator plants duplicates"
    a, b = pair[0]["a"], pair[0]["b"]
    unlink(loaded, a, b, by="test")
    after = refresh(loaded, engine="networkx")
    assert not stage(after, "duplicate_identity").skipped
    assert loaded.read(q("MATCH (:Customer {customerId: $a})-[:SAME_PERSON_AS]-(:Customer {customerId: $b}) "
                         "RETURN count(*) AS n"), a=a, b=b)[0]["n"] == 0
    assert ran(refresh(loaded, engine="networkx")) == set()

    # an erasure: every stage reading customers runs; nothing of the person is left
    victim = loaded.read(q("MATCH (c:Customer)-[:PLACED]->() RETURN c.customerId AS id ORDER BY id LIMIT 1"))[0]["id"]
    erase_customer(loaded, victim, "test")
    after = refresh(loaded, engine="networkx")
    assert not stage(after, "rfm_segment").skipped and not stage(after, "market").skipped
    assert all(r[0] != victim for r in tags(loaded))
    assert ran(refresh(loaded, engine="networkx")) == set()


def test_a_changed_category_map_reruns_life_stage_and_the_communities_reading_tags(loaded: Database,
                                                                                   tmp_path: Path) -> None:
    # everyone lets sensitive inference happen, so life stage has holders to lose
    loaded.write(q("MATCH (k:Consent {purpose: 'sensitive_inference'}) SET k.granted = true"))
    refresh(loaded, engine="networkx")
    holders = q("MATCH (:Customer)-[:HAS_TAG]->(t:Tag {family: 'life_stage'}) RETURN count(*) AS n")
    assert loaded.read(holders)[0]["n"] > 0
    mapping = tmp_path / "other-map.toml"
    mapping.write_text(category_map_toml(["No Such Category"], cd.NEWBORN_LEAVES))
    with Database(loaded.settings.model_copy(update={"category_map": mapping})) as other:
        result = refresh(other, engine="networkx")
    # and the communities: their profiles read members' tags, so every pass's fingerprint is theirs
    assert ran(result) == {stage(result, "life_stage").name, stage(result, "social_community").name}
    assert stage(result, "life_stage").note == "parameters"
    assert loaded.read(holders)[0]["n"] == 0


def test_a_reload_reruns_everything(loaded: Database, tmp_path: Path) -> None:
    # a load may change properties in place (no count moves): every stage runs after one
    refresh(loaded, engine="networkx")
    assert load_dataset(loaded, tmp_path / "d").ok
    again = refresh(loaded, engine="networkx")
    assert not any(s.skipped for s in again.stages)
    assert all("loaded data" in s.note for s in again.stages if s.name != RETENTION)
    assert sum(again.tag_writes.values()) == 0


def test_loading_events_reruns_what_reads_events_only(loaded: Database, tmp_path: Path) -> None:
    first = refresh(loaded, engine="networkx")
    cid = loaded.read(q("MATCH (c:Customer) WHERE 'profiling' IN c.allowedUses RETURN c.customerId AS id "
                        "ORDER BY id LIMIT 1"))[0]["id"]
    sku = loaded.read(q("MATCH (p:Product) RETURN p.sku AS sku ORDER BY sku LIMIT 1"))[0]["sku"]
    increment = tmp_path / "increment"
    increment.mkdir()
    at = first.as_of.replace("+00:00", "Z")  # the data's end: "as of" stays where it was
    with open(increment / "events.jsonl", "w", encoding="utf-8") as fh:
        for i in range(3):
            fh.write(json.dumps({"eventId": f"skip-test-{i}", "customerId": cid, "type": "view", "at": at,
                                 "device": "mobile", "sku": sku}) + "\n")
    assert load_dataset(loaded, increment).ok
    again = refresh(loaded, engine="networkx")
    assert again.as_of == first.as_of
    browsing = stage(again, "interest")
    assert not browsing.skipped and "loaded data" in browsing.note and "VIEWED" in browsing.note
    assert not stage(again, "preference_cluster").skipped
    for family in ("market", "purchase_category", "rfm_segment", "sharer", "duplicate_identity",
                   "likely_to_buy_soon"):
        assert stage(again, family).skipped, family
    assert SIMILARITY_STAGE in {s.name for s in again.stages if s.skipped}
    assert sum(again.tag_writes.values()) > 0


def test_an_incremental_refresh_as_of_another_time_makes_the_next_full_refresh_run_everything(
        loaded: Database) -> None:
    first = refresh(loaded, engine="networkx")
    cid = loaded.read(q("MATCH (c:Customer)-[:HAS_TAG]->(:Tag {family: 'activity_30d'}) "
                        "RETURN c.customerId AS id ORDER BY id LIMIT 1"))[0]["id"]
    # as of a year before the data's end: this customer's tags are now those of another time
    earlier = refresh(loaded, customers=[cid], as_of="2025-06-01T00:00:00Z")
    assert sum(earlier.tag_writes.values()) > 0
    again = refresh(loaded, engine="networkx")
    assert not any(s.skipped for s in again.stages)
    assert {s.note for s in again.stages if s.name != RETENTION} <= {
        "not known to be current", "outputs changed since the last full refresh"}
    assert again.as_of == first.as_of
    assert ran(refresh(loaded, engine="networkx")) == set()


def current(db: Database) -> list[tuple[str, str, float]]:
    return sorted((i, t, w) for i, t, w, _ in tags(db))


@pytest.mark.parametrize("as_of", ["2025-06-01T00:00:00Z", None])
def test_a_refresh_of_some_families_or_as_of_another_time_is_never_taken_as_current(
        loaded: Database, as_of: str | None) -> None:
    first = refresh(loaded, engine="networkx")
    before = current(loaded)
    partial = refresh(loaded, engine="networkx", only=["activity_30d"], as_of=as_of)
    assert [s.note for s in partial.stages if s.name != RETENTION] == [PARTIAL]
    if as_of:  # everyone's activity as of a year before the data's end
        assert sum(partial.tag_writes.values()) > 0 and current(loaded) != before
    again = refresh(loaded, engine="networkx")
    # the pass deriving activity_30d (with the families fused into it) runs again, as of the data's end
    assert not stage(again, "activity_30d").skipped
    assert again.as_of == first.as_of
    assert current(loaded) == before
    assert ran(refresh(loaded, engine="networkx")) == set()


def test_a_load_that_fails_part_way_reruns_what_reads_its_files(loaded: Database, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    refresh(loaded, engine="networkx")
    # the orders again (a real load could change their statuses in place: no count moves), and the
    # load fails after its first batch, leaving no report
    increment = tmp_path / "increment"
    increment.mkdir()
    (increment / "orders.csv").write_bytes((tmp_path / "d" / "orders.csv").read_bytes())
    write, batches = Loader._write, []

    def failing(self: Loader, batch: object) -> None:
        batches.append(batch)
        if len(batches) > 1:
            raise RuntimeError("Neo4j went away")
        write(self, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(Loader, "_write", failing)
    with pytest.raises(RuntimeError):
        load_dataset(loaded, increment, batch_size=20)
    monkeypatch.undo()
    again = refresh(loaded, engine="networkx")
    for family in ("purchase_category", "rfm_segment", "high_value"):
        assert not stage(again, family).skipped, family
        assert "loaded data" in stage(again, family).note, family
    assert stage(again, "market").skipped  # reads no order
    assert ran(refresh(loaded, engine="networkx")) == set()
    # the data-quality report shows the failed load until the same files of that dataset load in full
    unfinished = [c for c in data_quality(loaded).checks if c.name == "Unfinished loads"]
    assert len(unfinished) == 1 and unfinished[0].status == "warn" and "of increment" in unfinished[0].detail
    assert load_dataset(loaded, increment).ok
    # a load that finishes leaves its report and no start record, its own or the failed one's
    assert loaded.read(q("MATCH (s:LoadStart) RETURN count(s) AS n"))[0]["n"] == 0
    assert not [c for c in data_quality(loaded).checks if c.name == "Unfinished loads"]


@pytest.mark.parametrize(("cut_in", "force"), [("social_community", False), ("social_community:written", True),
                                               (SIMILARITY_STAGE, True)])
def test_a_refresh_cut_off_part_way_leaves_the_next_one_only_the_stages_it_did_not_finish(
        loaded: Database, monkeypatch: pytest.MonkeyPatch, cut_in: str, force: bool) -> None:
    """Cut off before the communities' stage wrote anything, after it wrote memberships and tags
    (its outputs differ from the record: they are its own, it runs again), or in the similarity
    stage after it cleared every link."""
    if force:  # a forced refresh over a current graph: what it did not finish is not current either
        refresh(loaded, engine="networkx")
    algorithm_family = Refresher._algorithm_family

    def failing(self: Refresher, f: TagFamily) -> int:
        if f.name == "social_community":
            if cut_in.endswith(":written"):
                algorithm_family(self, f)
            raise RuntimeError("Neo4j went away")
        return algorithm_family(self, f)

    def similarity_failing(run: object) -> int:
        loaded.run_autocommit(queries.algorithms.clear_similarity)
        raise RuntimeError("Neo4j went away")

    if cut_in == SIMILARITY_STAGE:
        monkeypatch.setattr(refresh_module, "similar_customers", similarity_failing)
    else:
        monkeypatch.setattr(Refresher, "_algorithm_family", failing)
    with pytest.raises(RuntimeError, match="went away"):
        refresh(loaded, engine="networkx", force=force)
    monkeypatch.undo()

    again = refresh(loaded, engine="networkx")
    stages = [s for s in again.stages if s.name != RETENTION]
    cut = stages.index(stage(again, cut_in.split(":")[0]))
    assert cut > 5 and CONSENT_SWEEP in again.skipped
    assert all(s.skipped for s in stages[:cut]), [(s.name, s.note) for s in stages[:cut] if not s.skipped]
    assert not any(s.skipped for s in stages[cut:])
    assert {s.note for s in stages[cut:]} == {"not known to be current" if force else "no earlier run"}
    assert ran(refresh(loaded, engine="networkx")) == set()
    # what the two refreshes left is what one refresh of everything derives: forced, it writes nothing
    communities, links = memberships(loaded), similar_links(loaded)
    assert links
    assert sum(refresh(loaded, engine="networkx", force=True).tag_writes.values()) == 0
    assert memberships(loaded) == communities and similar_links(loaded) == links


def similar_links(db: Database) -> list[tuple[str, str]]:
    rows = db.read(q("MATCH (a:Customer)-[:SIMILAR_TO]->(b:Customer) RETURN a.customerId AS a, b.customerId AS b"))
    return sorted((r["a"], r["b"]) for r in rows)


def portraits_version(db: Database) -> int | None:
    rows = db.read(q("MATCH (k:ChangeCounter {name: 'portraits'}) RETURN k.seq AS seq"))
    return rows[0]["seq"] if rows else None


def test_an_unchanged_refresh_leaves_the_portraits_version(loaded: Database) -> None:
    refresh(loaded, engine="networkx")
    version = portraits_version(loaded)
    assert version is not None
    unchanged = refresh(loaded, engine="networkx")
    assert ran(unchanged) == set() and unchanged.history_pruned == 0
    assert portraits_version(loaded) == version and not unchanged.portraits_moved
    with locks.hold(loaded, locks.FULL_REFRESH, "another refresh"), pytest.raises(locks.LockBusy):
        refresh(loaded, engine="networkx")
    assert portraits_version(loaded) == version
    forced = refresh(loaded, engine="networkx", force=True)  # stages ran: caches must re-read
    assert not any(s.skipped for s in forced.stages)
    assert portraits_version(loaded) != version and forced.portraits_moved


def test_high_value_spend_and_threshold_are_to_the_cent(db: Database) -> None:
    # 0.1 + 0.7 is 0.7999999999999999 in floats: the customer at the percentile is high value
    db.write(q("""
        CREATE (c:Customer {customerId: 'hv1', registeredAt: datetime('2026-01-01T00:00:00Z')})
        WITH c UNWIND [0.1, 0.7] AS total
        CREATE (c)-[:PLACED]->(:Order {orderId: 'hv1-' + toString(total), placedAt: datetime('2026-06-01T00:00:00Z'),
                                      totalUsd: total, status: 'delivered'})"""))
    now = "2026-10-01T00:00:00Z"
    threshold = db.read(queries.tags.measure_high_value_threshold, now=now)[0]["threshold"]
    assert threshold == 0.8
    rows = db.read(queries.tags.derive_high_value, ids=["hv1"], now=now, threshold=threshold)
    assert [r["id"] for r in rows] == ["hv1"]
