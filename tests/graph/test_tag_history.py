"""Tag history against the real Neo4j: versions end or move into HAD_TAG, the tags as of a time,
paging, retention, consent and erasure, and a refresh killed with -9 then run again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from ckg.graph import consent, locks
from ckg.graph.db import Database
from ckg.graph.errors import NotFound
from ckg.graph.privacy import erase_customer, export_customer
from ckg.graph.queries import Query
from ckg.graph.settings import Settings
from ckg.graph.tag_history import tag_history, tags_as_of
from ckg.graph.tags.refresh import refresh
from ckg.loaders.generator import generate
from ckg.loaders.load import load_dataset

T1, T2, T3 = "2026-01-10T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-12T00:00:00Z"


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


def at(iso: str | None) -> datetime:
    assert iso is not None
    return datetime.fromisoformat(iso)


def add_views(db: Database, cid: str, start: int, n: int) -> None:
    """``n`` product views by ``cid`` on 5 January 2026 at 10:00 + i minutes (all within 30 days of T1..T3)."""
    db.write(q("""
        MATCH (c:Customer {customerId: $id})
        MERGE (p:Product {sku: 'history-sku'})
        WITH c, p UNWIND range($start, $start + $n - 1) AS i
        CREATE (c)-[:VIEWED {eventId: $id + '-view-' + toString(i),
                             at: datetime('2026-01-05T10:00:00Z') + duration({minutes: i})}]->(p)"""),
             id=cid, start=start, n=n)


def customer(db: Database, cid: str, country: str = "DE") -> None:
    db.write(q("CREATE (:Customer {customerId: $id, country: $country, language: 'de'})"), id=cid, country=country)


@pytest.fixture
def history(db: Database) -> Database:
    """Customer h1 refreshed at T1, T2 and T3 (only their own tags; no full refresh):

    T1: 10 views (activity_30d:high, weight 0.5), country DE;
    T2: 11 views (weight 0.55: within the step, updated in place), country FR (market:DE ends);
    T3: 13 views (0.65: 0.15 from the version's first weight 0.5, so a new version begins).
    """
    customer(db, "h1")
    add_views(db, "h1", 0, 10)
    refresh(db, customers=["h1"], as_of=T1)
    add_views(db, "h1", 10, 1)
    db.write(q("MATCH (c:Customer {customerId: 'h1'}) SET c.country = 'FR'"))
    refresh(db, customers=["h1"], as_of=T2)
    add_views(db, "h1", 11, 2)
    refresh(db, customers=["h1"], as_of=T3)
    return db


def test_weight_moves_and_ended_tags_become_history(history: Database) -> None:
    activity = tag_history(history, "h1", "activity_30d:high").versions
    assert [(v.current, v.reason) for v in activity] == [(True, None), (False, "weight_changed")]
    now, before = activity
    assert now.weight == pytest.approx(0.65) and at(now.valid_from) == at(T3)
    # the ended version began at T1 and carries the weight it had last (0.55, updated in place at T2)
    assert (at(before.valid_from), at(before.valid_to)) == (at(T1), at(T3))
    assert before.weight == pytest.approx(0.55)
    market = tag_history(history, "h1", "market:DE").versions
    assert [(at(v.valid_from), at(v.valid_to), v.reason) for v in market] == [(at(T1), at(T2), "ended")]
    assert tag_history(history, "h1", "market:FR").versions[0].current


def test_tags_as_of_a_time(history: Database) -> None:
    def names(as_of: str) -> dict[str, float | None]:
        return {v.tag: v.weight for v in tags_as_of(history, "h1", as_of)}

    assert names("2026-01-09T00:00:00Z") == {}
    day1 = names("2026-01-10T12:00:00Z")
    assert "market:DE" in day1 and "market:FR" not in day1
    assert day1["activity_30d:high"] == pytest.approx(0.55)
    day3 = names("2026-01-12T12:00:00Z")
    assert "market:FR" in day3 and "market:DE" not in day3
    assert day3["activity_30d:high"] == pytest.approx(0.65)
    with pytest.raises(NotFound):
        tags_as_of(history, "nobody", T1)


def test_history_pages_newest_first(history: Database) -> None:
    everything = tag_history(history, "h1", first=500)
    assert not everything.has_next and len(everything.versions) >= 5
    starts = [at(v.valid_from) for v in everything.versions]
    assert starts == sorted(starts, reverse=True)
    paged, after = [], None
    while True:
        page = tag_history(history, "h1", first=2, after=after)
        paged.extend(page.versions)
        if not page.has_next:
            break
        after = page.end_cursor
    assert paged == everything.versions
    with pytest.raises(NotFound):
        tag_history(history, "nobody")


def test_unchanged_incremental_refresh_writes_nothing(history: Database) -> None:
    again = refresh(history, customers=["h1"], as_of=T3)
    assert sum(again.tag_writes.values()) == 0, again.tag_writes
    add_views(history, "h1", 13, 1)
    moved = refresh(history, customers=["h1"], as_of=T3)
    assert moved.tag_writes["properties_set"] > 0  # the counters do see a change


def test_erasure_removes_history(history: Database) -> None:
    doc = export_customer(history, "h1", actor="test")
    assert {h["tag"] for h in doc["tagHistory"]} >= {"market:DE", "activity_30d:high"}
    erase_customer(history, "h1", actor="test")
    assert history.read(q("MATCH ()-[h:HAD_TAG]->() RETURN count(h) AS n"))[0]["n"] == 0


def test_consent_withdrawal_deletes_the_history_of_dropped_tags(db: Database) -> None:
    customer(db, "h2")
    consent.record_consent(db, "h2", "sensitive_inference", True, source="test")
    db.write(q("""
        MATCH (c:Customer {customerId: 'h2'})
        UNWIND [['life_stage:expecting_parent', 'life_stage', 'sensitive_inference', true],
                ['interest:a > b', 'interest', 'profiling', false],
                ['market:DE', 'market', 'registered', false]] AS x
        MERGE (t:Tag {name: x[0]}) SET t.family = x[1], t.basis = x[2], t.sensitive = x[3]
        CREATE (c)-[:HAS_TAG {since: datetime($t2), weight: 0.5, computedAt: datetime($t2)}]->(t)
        CREATE (c)-[:HAD_TAG {validFrom: datetime($t1), validTo: datetime($t2), weight: 0.9,
                              reason: 'weight_changed'}]->(t)
        """), t1=T1, t2=T2)
    held = q("MATCH (:Customer {customerId: 'h2'})-[h]->(t:Tag) RETURN type(h) + ' ' + t.name AS x ORDER BY x")

    consent.record_consent(db, "h2", "sensitive_inference", False, source="test")
    left = [r["x"] for r in db.read(held)]
    assert not any("life_stage" in x for x in left)  # neither the tag nor its history
    assert "HAD_TAG interest:a > b" in left and "HAD_TAG market:DE" in left
    consent.record_consent(db, "h2", "profiling", False, source="test")
    assert [r["x"] for r in db.read(held)] == ["HAD_TAG market:DE", "HAS_TAG market:DE"]


def test_full_refresh_prunes_history_past_retention(db: Database) -> None:
    customer(db, "h3")
    db.write(q("""
        MATCH (c:Customer {customerId: 'h3'})
        MERGE (t:Tag {name: 'market:FR'}) SET t.family = 'market', t.basis = 'registered'
        CREATE (c)-[:HAD_TAG {validFrom: datetime('2024-01-01T00:00:00Z'), validTo: datetime('2024-06-01T00:00:00Z'),
                              weight: 1.0, reason: 'ended'}]->(t)
        CREATE (c)-[:HAD_TAG {validFrom: datetime('2025-06-01T00:00:00Z'), validTo: datetime('2025-12-01T00:00:00Z'),
                              weight: 1.0, reason: 'ended'}]->(t)"""))
    assert db.settings.tag_history_days == 365
    result = refresh(db, only=["market"], as_of=T3)
    assert result.history_pruned == 1
    kept = db.read(q("MATCH ()-[h:HAD_TAG]->() RETURN toString(h.validTo) AS t"))
    assert [at(r["t"]) for r in kept] == [at("2025-12-01T00:00:00Z")]


def test_full_refresh_with_nothing_changed_writes_no_tag(db: Database, tmp_path: Path) -> None:
    generate(300, 8, tmp_path / "d")
    assert load_dataset(db, tmp_path / "d").ok
    refresh(db, engine="networkx")
    again = refresh(db, engine="networkx")
    assert [(s.name, s.writes) for s in again.stages if s.writes] == []
    assert sum(again.tag_writes.values()) == 0, again.tag_writes


# ---------------------------------------------------------------------- kill -9 during a refresh
def _tags(db: Database) -> list[tuple[str, str, float]]:
    rows = db.read(q("MATCH (s)-[h:HAS_TAG]->(t:Tag) RETURN coalesce(s.customerId, s.enterpriseId) AS id, "
                     "t.name AS tag, h.weight AS w"))
    return sorted((r["id"], r["tag"], round(r["w"], 9)) for r in rows)


def _cli_env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "CKG_NEO4J_URI": settings.neo4j_uri, "CKG_NEO4J_PASSWORD": settings.password,
            "CKG_NEO4J_HTTP_PORT": str(settings.neo4j_http_port), "CKG_HOME": str(settings.home),
            "CKG_CATEGORY_MAP": str(settings.category_map)}


def test_refresh_killed_with_sigkill_then_rerun_leaves_the_expected_tags(db: Database, tmp_path: Path) -> None:
    generate(300, 5, tmp_path / "d")
    assert load_dataset(db, tmp_path / "d").ok
    env = _cli_env(db.settings)
    command = [sys.executable, "-m", "ckg", "tags", "refresh", "--engine", "networkx"]
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    count = q("MATCH ()-[h:HAS_TAG]->() RETURN count(h) AS n")
    deadline = time.monotonic() + 120
    while db.read(count)[0]["n"] == 0 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL, "the refresh ended before it could be killed partway"
    partial = db.read(count)[0]["n"]
    assert partial > 0
    # The killed process left its lock behind (its heartbeat would have released it); a re-run on
    # this host sees the holder is gone and takes the lock over at once instead of after the TTL.
    assert locks.is_held(db, locks.FULL_REFRESH)
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    after_rerun = _tags(db)
    assert len(after_rerun) > partial

    db.write(q("MATCH ()-[h:HAS_TAG|HAD_TAG]->() DELETE h"))
    refresh(db, engine="networkx")
    assert _tags(db) == after_rerun
