"""Tags on a small seeded dataset: accuracy against planted truth, provenance, consent, engines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ckg.graph.algorithms import identity, social
from ckg.graph.db import Database
from ckg.graph.errors import NotFound
from ckg.graph.maintenance import delete_all_data
from ckg.graph.queries import Query
from ckg.graph.tags.explain import explain, tags_in_use
from ckg.graph.tags.refresh import refresh
from ckg.loaders.evaluation import adjusted_rand_index, as_json, evaluate
from ckg.loaders.generator import generate
from ckg.loaders.load import load_dataset


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tags") / "d"
    generate(1500, 21, out)
    return out


@pytest.fixture(scope="module")
def tagged(session_db: Database, dataset: Path) -> Iterator[Database]:
    """Loaded and refreshed once for the module; tests that change data touch their own customers."""
    delete_all_data(session_db)
    assert load_dataset(session_db, dataset).ok
    refresh(session_db)
    yield session_db


def test_accuracy_targets_on_seeded_dataset(tagged: Database, dataset: Path) -> None:
    # Floors measured on this seed with the noisy generator (bench/RESULTS.md has dev and held-out seeds);
    # every metric is scored among the customers whose consent permits its family (permitted, printed), so
    # the yes/no tags among a few dozen here, and their floors are loose.
    metrics = {m.name: m for m in evaluate(tagged, dataset)}
    seen = json.dumps(as_json(list(metrics.values())))
    assert {"social_ari", "identity_precision", "identity_recall", "identity_f1", "high_value_f1",
            "high_value_definition_f1", "life_stage_f1", "shopping_gender_f1", "preference_ari", "propensity_auc",
            "b2b_spearman"} <= set(metrics)
    assert all(0.0 <= m.coverage <= 1.0 for m in metrics.values()), seen
    assert metrics["social_ari"].value >= 0.9 and metrics["social_ari"].coverage >= 0.9, seen
    # over the true pairs whose two records both allow profiling (duplicate_identity's basis): 8 here, 6
    # found (0.857); duplicates sharing no email, similar email, phone or device stay apart
    assert metrics["identity_f1"].value >= 0.8, seen
    assert metrics["identity_precision"].value >= 0.95, seen  # households and recycled phones are not merged
    # high value as the catalogue defines it (top 5% by 12-month net spend): the tag computes its definition
    # (against the generator's planted high-value class, high_value_f1, it stays near 0.5: docs/accuracy.md)
    assert metrics["high_value_definition_f1"].value >= 0.9, seen
    assert metrics["life_stage_f1"].value >= 0.5, seen  # 0.63 over the 6 consenting expecting parents
    assert metrics["b2b_spearman"].value >= 0.75, seen  # 0.94 here, 0.83 held out
    assert metrics["propensity_auc"].value >= 0.7, seen  # 0.77 held out
    # 0.60 here (GDS; 0.64 networkx) on 1,500 customers, 0.71 held out on 5,000
    assert metrics["preference_ari"].value >= 0.5 and metrics["preference_ari"].coverage >= 0.9, seen



def test_eval_scores_the_permitted_and_prints_the_share_refused(tagged: Database, dataset: Path) -> None:
    # permitted = the planted positives whose allowedUses hold the family's basis (the catalogue's);
    # coverage = the permitted ones that got an answer, so a refusal is neither covered nor uncovered
    metrics = {m.name: m for m in evaluate(tagged, dataset)}
    assert all(0.0 <= m.permitted <= 1.0 for m in metrics.values())
    for name, file, basis in (("high_value_f1", "high_value.csv", "profiling"),
                              ("life_stage_f1", "life_stage.csv", "sensitive_inference")):
        planted = [line.split(",")[0] for line in (dataset / "truth" / file).read_text().split()[1:]]
        ok = tagged.read(q("MATCH (c:Customer) WHERE c.customerId IN $ids AND $basis IN c.allowedUses "
                           "RETURN count(c) AS n"), ids=planted, basis=basis)[0]["n"]
        m = metrics[name]
        assert m.permitted == pytest.approx(ok / len(planted)), (name, m)
        assert 0.0 < m.permitted < 1.0, (name, m)  # the generated consents refuse some of them
        assert m.coverage == 1.0, (name, m)  # every permitted customer got a yes or a no
    # life stage needs more than high value (sensitive inference on top of profiling)
    assert metrics["life_stage_f1"].permitted < metrics["high_value_f1"].permitted
    # the groupings and propensity are scored over profiling customers only
    assert 0.0 < metrics["social_ari"].permitted < 1.0 and 0.0 < metrics["propensity_auc"].permitted < 1.0
    assert metrics["b2b_spearman"].permitted == 1.0  # enterprises give no consents

def test_every_tag_has_weight_confidence_time_source_and_evidence(tagged: Database) -> None:
    bad = tagged.read(q("""
        MATCH ()-[h:HAS_TAG]->(t:Tag)
        WHERE NOT (0.0 <= h.weight <= 1.0) OR h.confidence IS NULL OR h.computedAt IS NULL
           OR h.source IS NULL OR size(h.evidence) = 0 OR t.dimension IS NULL
        RETURN t.name AS tag, h.weight AS w LIMIT 5"""))
    assert bad == []
    assert sum(r["tags"] for r in tags_in_use(tagged)) >= 300


def test_sensitive_tags_only_with_granted_consent(tagged: Database) -> None:
    rows = tagged.read(q("""
        MATCH (c:Customer)-[:HAS_TAG]->(t:Tag {sensitive: true})
        RETURN c.customerId AS id,
               EXISTS { (c)-[:GAVE]->(:Consent {purpose: 'sensitive_inference', granted: true}) } AS ok"""))
    assert rows, "the dataset should produce some life-stage tags"
    assert all(r["ok"] for r in rows)
    victim = rows[0]["id"]
    tagged.write(q("MATCH (:Customer {customerId: $id})-[:GAVE]->(k:Consent {purpose: 'sensitive_inference'}) "
                   "SET k.granted = false"), id=victim)
    refresh(tagged, customers=[victim])
    left = tagged.read(q("MATCH (:Customer {customerId: $id})-[:HAS_TAG]->(t:Tag {sensitive: true}) "
                         "RETURN t.name AS n"), id=victim)
    assert left == []


def test_incremental_refresh_adds_new_interest_and_leaves_others_alone(tagged: Database) -> None:
    # a customer whose consents allow profiling (interest tags need it); the dataset decides who that is
    cid = tagged.read(q("MATCH (c:Customer) WHERE 'profiling' IN c.allowedUses AND c.customerId <> 'c0000005' "
                        "RETURN c.customerId AS id ORDER BY id LIMIT 1"))[0]["id"]
    before = tagged.read(q("MATCH (c:Customer {customerId: 'c0000005'})-[h:HAS_TAG]->() "
                           "RETURN max(h.computedAt) AS t"))[0]["t"]
    target = tagged.read(q("""
        MATCH (leaf:Category) WHERE NOT ()-[:SUBCATEGORY_OF]->(leaf)
          AND NOT EXISTS { (:Customer {customerId: $id})-[:HAS_TAG]->(:Tag {name: 'interest:' + leaf.name}) }
        MATCH (p:Product)-[:IN_CATEGORY]->(leaf)
        RETURN p.sku AS sku LIMIT 1"""), id=cid)[0]["sku"]
    tagged.write(q("""
        MATCH (c:Customer {customerId: $id}), (p:Product {sku: $sku})
        UNWIND range(1, 4) AS i
        CREATE (c)-[:ADDED_TO_CART {eventId: 'new-' + toString(i), at: datetime('2026-10-30T10:00:00Z')}]->(p)"""),
                   sku=target, id=cid)
    result = refresh(tagged, customers=[cid], as_of="2026-10-31T23:00:00Z")
    assert {name for s in result.stages for name in s.name.split("+")} >= {"interest", "activity_30d"}
    leaf = tagged.read(q("MATCH (:Product {sku: $sku})-[:IN_CATEGORY]->(l)-[:SUBCATEGORY_OF*]->(t) "
                         "WHERE NOT (t)-[:SUBCATEGORY_OF]->() RETURN t.name + ' > ' + l.name AS n"), sku=target)[0]["n"]
    info = explain(tagged, cid, f"interest:{leaf}")
    assert "ADDED_TO_CART x4" in info["evidence"]
    after = tagged.read(q("MATCH (c:Customer {customerId: 'c0000005'})-[h:HAS_TAG]->() "
                          "RETURN max(h.computedAt) AS t"))[0]["t"]
    assert after == before


def test_incremental_refresh_is_one_transaction_that_moves_the_version_with_the_tags(tagged: Database) -> None:
    """recordEvents' refresh: the "as of", the passes, the tag writes and the portrait version in
    one transaction (three before: the "as of" and the version each had their own)."""
    from datetime import datetime

    from ckg.graph.tags.refresh import known_data_end

    version = q("MATCH (c:Customer {customerId: $id}) RETURN c.portraitVersion AS v")
    cid = "c0000007"
    before = tagged.read(version, id=cid)[0]["v"]
    known_data_end(tagged)  # the graph's data end, read at most once a minute per process
    tagged.round_trips = 0
    result = refresh(tagged, customers=[cid])
    assert tagged.round_trips == 1
    assert result.stages and result.portraits_moved
    # read inside the transaction: the graph's data end or this customer's newest data, the later
    assert datetime.fromisoformat(result.as_of) >= datetime.fromisoformat(known_data_end(tagged))
    after = tagged.read(version, id=cid)[0]["v"]
    assert after is not None and after != before


def test_explain_missing_tag_is_not_found(tagged: Database) -> None:
    with pytest.raises(NotFound):
        explain(tagged, "c0000001", "high_value_nonexistent")
    with pytest.raises(NotFound):
        explain(tagged, "nobody", "high_value")


def test_gds_and_networkx_agree(tagged: Database) -> None:
    gds_comm = social.communities(tagged, "gds")
    nx_comm = social.communities(tagged, "networkx")
    ids = sorted(gds_comm)
    assert adjusted_rand_index([gds_comm[i] for i in ids], [nx_comm.get(i, -1) for i in ids]) >= 0.8
    assert identity.components(tagged, "gds") == identity.components(tagged, "networkx")
    gds_rank = social.influence(tagged, "gds")
    nx_rank = social.influence(tagged, "networkx")
    top_gds = set(sorted(gds_rank, key=lambda k: -gds_rank[k])[:20])
    top_nx = set(sorted(nx_rank, key=lambda k: -nx_rank[k])[:20])
    assert len(top_gds & top_nx) >= 15


def test_refresh_with_nothing_changed_writes_no_tag(tagged: Database) -> None:
    # networkx: seeded, so an unchanged graph gives the same communities and clusters
    snapshot = q("MATCH (c)-[h:HAS_TAG]->(t) RETURN elementId(h) AS rel, properties(h) AS p ORDER BY rel")
    refresh(tagged, engine="networkx")
    first = tagged.read(snapshot)
    second = refresh(tagged, engine="networkx")
    # the query summary counters of every tag write: no relationship created or deleted, no property set
    assert set(second.tag_writes) >= {"relationships_created", "relationships_deleted", "properties_set"}
    assert sum(second.tag_writes.values()) == 0, [(s.name, s.writes) for s in second.stages if s.writes]
    assert tagged.read(snapshot) == first
