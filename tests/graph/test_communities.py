"""Social communities: the level chosen on the graph alone, lasting ids, engines that agree, empty inputs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from ckg.graph import segments
from ckg.graph.algorithms import community_ids, social
from ckg.graph.db import Database
from ckg.graph.maintenance import delete_all_data
from ckg.graph.queries import Query
from ckg.graph.tags.algorithm_families import AlgorithmRun, louvain_social, pagerank_influence
from ckg.graph.tags.refresh import refresh
from ckg.loaders.evaluation import adjusted_rand_index
from ckg.loaders.generator import generate
from ckg.loaders.load import load_dataset

#: The files a social graph needs (customers, what shares point at, referrals and shares).
SOCIAL_FILES = ("customers", "channels", "categories", "brands", "products", "referrals", "shares",
                "share_reaches")
AS_OF = "2026-11-01T00:00:00Z"


def q(text: str) -> Query:
    return Query("test/inline", text)


def memberships(db: Database) -> dict[str, str]:
    rows = db.read(q("MATCH (c:Customer)-[:MEMBER_OF]->(k:Community {kind: 'social'}) "
                     "RETURN c.customerId AS id, k.communityId AS community"))
    return {r["id"]: r["community"] for r in rows}


def ari(a: dict[str, str], b: dict[str, str]) -> float:
    ids = sorted(a)
    return adjusted_rand_index([a[i] for i in ids], [b.get(i, f"none-{i}") for i in ids])


@pytest.fixture(scope="module")
def social_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    full = tmp_path_factory.mktemp("communities") / "full"
    generate(1500, 21, full)
    out = full.parent / "social"
    out.mkdir()
    for name in SOCIAL_FILES:
        shutil.copy(full / f"{name}.csv", out / f"{name}.csv")
    return out


@pytest.fixture
def social_db(db: Database, social_data: Path) -> Iterator[Database]:
    assert load_dataset(db, social_data).ok
    yield db


# ----------------------------------------------------------------- the level, chosen on the graph alone
def test_ring_of_cliques_is_found_where_modularity_merges_them() -> None:
    # The textbook resolution-limit graph (Fortunato and Barthelemy 2007): modularity's last level
    # merges neighbouring cliques; the planted-partition fit keeps each clique.
    g = nx.ring_of_cliques(60, 5)
    nx.set_edge_attributes(g, 1, "weight")
    cliques = {str(n): str(n // 5) for n in g}
    found = social._networkx_communities(nx.relabel_nodes(g, str), seed=42)
    assert found.chosen is not None and len(found.levels) >= 2
    assert ari(cliques, {k: str(v) for k, v in found.members.items()}) == pytest.approx(1.0)
    last = found.levels[-1]
    assert last.groups < 60 and last.log_likelihood < found.chosen.log_likelihood


def test_karate_club_level_is_its_best_explained_one() -> None:
    # A small real social network (Zachary 1977): the chosen level beats one group and every
    # member alone (both score 0) and splits the two factions along the real split.
    g = nx.relabel_nodes(nx.karate_club_graph(), str)
    found = social._networkx_communities(g, seed=42)
    assert found.chosen is not None and found.chosen.log_likelihood > 0
    assert found.chosen.log_likelihood == max(f.log_likelihood for f in found.levels)
    assert 2 <= found.chosen.groups <= 6
    club = {n: g.nodes[n]["club"] for n in g}
    assert ari(club, {k: str(v) for k, v in found.members.items()}) >= 0.4


def test_level_fit_prefers_real_groups_to_one_group_or_singletons() -> None:
    one_group = social.level_fit(0, 10, 10, [20]).log_likelihood
    singletons = social.level_fit(0, 10, 0, [2] * 10).log_likelihood
    two_groups = social.level_fit(0, 10, 8, [10, 10]).log_likelihood
    assert one_group == pytest.approx(0.0)
    assert two_groups > singletons > 0


# ----------------------------------------------------------------- lasting numbers
def test_renumber_keeps_numbers_by_overlap_and_gives_new_ones_to_new_communities() -> None:
    previous = {"a": 7, "b": 7, "c": 7, "d": 7, "e": 9, "f": 9, "g": 9, "h": 9}
    # a community loses one member and gains one (Jaccard 3/5); another splits in two halves
    found = {"a": 0, "b": 0, "c": 0, "x": 0, "d": 1, "e": 2, "f": 2, "g": 3, "h": 3, "y": 3}
    numbering = community_ids.renumber(found, previous, 10)
    assert {numbering.members[c] for c in "abcx"} == {7}
    assert numbering.members["d"] >= 10  # alone: Jaccard 1/4 with its old community
    assert numbering.members["e"] == numbering.members["f"] == 9  # Jaccard 2/4: still community 9
    assert numbering.members["g"] == numbering.members["y"] >= 10  # Jaccard 2/5: a new community
    assert numbering.next_number == 10 + numbering.new


def test_renumber_gives_a_number_once_even_to_two_equal_halves() -> None:
    previous = {c: 3 for c in "abcd"}
    numbering = community_ids.renumber({"a": 0, "b": 0, "c": 1, "d": 1}, previous, 4)
    assert sorted({numbering.members[c] for c in "abcd"}) == [3, 4]
    assert numbering.members["a"] == numbering.members["b"]


def test_unchanged_graph_keeps_every_id_and_member_relationship(social_db: Database) -> None:
    for engine in ("gds", "networkx"):
        refresh(social_db, engine=engine, as_of=AS_OF)
        before = memberships(social_db)
        assert len(set(before.values())) >= 20
        social_db.write(q("MATCH (:Customer)-[m:MEMBER_OF]->(:Community) SET m.marker = $engine"), engine=engine)
        refresh(social_db, engine=engine, as_of=AS_OF)
        assert memberships(social_db) == before
        rewritten = social_db.read(q("MATCH (:Customer)-[m:MEMBER_OF]->(:Community) "
                                     "WHERE m.marker IS NULL OR m.marker <> $engine RETURN count(m) AS n"),
                                   engine=engine)[0]["n"]
        assert rewritten == 0


def test_gds_and_networkx_communities_agree(social_db: Database) -> None:
    gds = {k: str(v) for k, v in social.communities(social_db, "gds").items()}
    nx_ = {k: str(v) for k, v in social.communities(social_db, "networkx").items()}
    assert set(gds) == set(nx_)
    assert ari(gds, nx_) >= 0.9


def test_a_community_keeps_its_id_and_segment_when_a_member_joins(social_db: Database) -> None:
    refresh(social_db, engine="gds", as_of=AS_OF)
    before = memberships(social_db)
    sizes: dict[str, list[str]] = {}
    for cid, k in before.items():
        sizes.setdefault(k, []).append(cid)
    target, members = max(sizes.items(), key=lambda kv: (len(kv[1]), kv[0]))
    social_db.write(q("MATCH (:Customer)-[:GAVE]->(k:Consent) SET k.granted = true"))
    assert segments.define(social_db, "friends", f'community("{target}")') == len(members)
    # A newcomer referred by three members of the community, and a share reaching two others.
    social_db.write(q("""
        CREATE (n:Customer {customerId: 'z-newcomer', country: 'DE'})
        WITH n UNWIND $referrers AS r
        MATCH (m:Customer {customerId: r}) CREATE (m)-[:REFERRED {at: datetime($at)}]->(n)"""),
                    referrers=sorted(members)[:3], at=AS_OF)
    refresh(social_db, engine="gds", as_of=AS_OF)
    after = memberships(social_db)
    assert after["z-newcomer"] == target
    assert all(after[c] == target for c in members)
    moved = sum(after.get(c) != k for c, k in before.items())
    assert moved <= len(before) * 0.02
    assert segments.define(social_db, "friends", f'community("{target}")') >= len(members)


def test_removed_ties_end_memberships_and_retire_numbers(social_db: Database) -> None:
    refresh(social_db, engine="networkx", as_of=AS_OF)
    before = memberships(social_db)
    social_db.write(q("MATCH ()-[r:REFERRED|REACHED]->() DELETE r"))
    refresh(social_db, engine="networkx", as_of=AS_OF)
    assert memberships(social_db) == {}
    assert social_db.read(q("MATCH (k:Community {kind: 'social'}) RETURN count(k) AS n"))[0]["n"] == 0
    next_number = social_db.read(q("MATCH (s:IdSequence {name: 'community:social'}) RETURN s.next AS n"))[0]["n"]
    assert next_number > max(int(k.split("-")[1]) for k in before.values())


@pytest.mark.parametrize("engine", ["gds", "networkx"])
def test_a_member_whose_every_tie_is_removed_leaves_and_the_others_stay(social_db: Database, engine: str) -> None:
    refresh(social_db, engine=engine, as_of=AS_OF)
    before = memberships(social_db)
    gone = sorted(before)[:5]
    social_db.write(q("MATCH (c:Customer)-[r:REFERRED|SHARED|REACHED]-() WHERE c.customerId IN $ids DELETE r"),
                    ids=gone)
    refresh(social_db, engine=engine, as_of=AS_OF)
    after = memberships(social_db)
    assert not set(gone) & set(after)
    stayed = [c for c in before if c not in gone]
    assert sum(after.get(c) == before[c] for c in stayed) >= 0.9 * len(stayed)


# ----------------------------------------------------------------- empty inputs
@pytest.mark.parametrize("engine", ["gds", "networkx"])
def test_empty_social_graph_gives_no_rows_and_a_warning(db: Database, engine: str) -> None:
    db.write(q("UNWIND range(1, 5) AS i CREATE (:Customer {customerId: 'c' + toString(i)})"))
    run = AlgorithmRun(db, engine, AS_OF)  # type: ignore[arg-type]
    assert louvain_social(run) == []
    assert pagerank_influence(run) == []
    assert any("social_community" in w and "skip" in w for w in run.warnings), run.warnings
    assert any("influencer" in w and "skip" in w for w in run.warnings), run.warnings
    delete_all_data(db)
