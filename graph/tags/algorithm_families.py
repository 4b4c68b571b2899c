"""What each algorithm family computes and keeps in the graph besides its tags.

Each function runs its algorithm once over the whole graph (GDS or networkx, ``run.engine``),
writes the structures that belong to the algorithm (communities and their profiles, identity
links, propensity scores, enterprise potential, similar customers) and returns tag rows. The
refresh (:mod:`ckg.graph.tags.refresh`) decides when to run them and writes the tag rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ckg.graph.algorithms import (
    b2b_potential,
    bgnbd,
    community_ids,
    identity,
    preference,
    similarity,
    social,
)
from ckg.graph.algorithms.engine import Engine
from ckg.graph.consent import DEFAULT_USES, drop_unconsented_outputs, profiling_refusers
from ckg.graph.db import Database
from ckg.graph.queries import queries

CHUNK = 5000
log = logging.getLogger("ckg.algorithms")
TagRow = dict[str, Any]


@dataclass(frozen=True)
class AlgorithmRun:
    """What every algorithm family needs: the database, the chosen engine and the refresh's "now".

    ``warnings`` is the refresh's list: a family whose inputs are absent says so there.
    """

    db: Database
    engine: Engine
    now: str
    warnings: list[str] = field(default_factory=list)

    def skip(self, family: str, reason: str) -> None:
        """Report that ``family`` did not run because its input is absent or empty."""
        self.warnings.append(f"{family}: skipped, {reason}")

    def purchase_inputs(self) -> tuple[int, int]:
        """(buyers with products, buyers with two or more distinct products)."""
        row = self.db.read(queries.algorithms.count_purchase_inputs)[0]
        return int(row["buyers"] or 0), int(row["pairBuyers"] or 0)


def louvain_social(run: AlgorithmRun) -> list[TagRow]:
    """Social communities with lasting numbers; only memberships that changed are written.

    A refresh over an unchanged graph finds the same partition, keeps every number and writes no
    membership (:mod:`ckg.graph.algorithms.community_ids`). Customers who do not allow profiling
    are in the graph Louvain reads (their ties are others' ties too) but in no community.
    """
    kind = social.KIND
    if not run.db.read(queries.algorithms.has_social_ties)[0]["ties"]:
        run.skip("social_community", "the social graph is empty (no referral, no share that reached a customer)")
        found = social.Communities({}, None, ())
    else:
        found = social.detect(run.db, run.engine)
    refusers = profiling_refusers(run.db)
    members = {cid: n for cid, n in found.members.items() if cid not in refusers}
    previous = {i: int(n) for i, n in run.db.read_plain(queries.algorithms.stream_community_members,
                                                        kind=kind)[0]["members"] if n is not None}
    seq = run.db.read(queries.algorithms.get_community_sequence, kind=kind)[0]
    start = max(int(seq["next"]), int(seq["highest"]) + 1)
    numbering = community_ids.renumber(members, previous, start)
    moved = [{"id": cid, "community": n} for cid, n in sorted(numbering.members.items()) if previous.get(cid) != n]
    left = sorted(set(previous) - set(numbering.members))
    if left:
        run.db.write_batches(queries.algorithms.remove_community_members, ({"id": i} for i in left), CHUNK,
                             kind=kind)
    if moved:
        run.db.write_batches(queries.algorithms.write_community_members, moved, CHUNK, kind=kind,
                             algorithm=f"louvain:{run.engine}", now=run.now, defaultUses=DEFAULT_USES)
    if left or moved:
        run.db.write(queries.algorithms.delete_empty_communities, kind=kind)
    if numbering.next_number != int(seq["next"]):
        run.db.write(queries.algorithms.set_community_sequence, kind=kind, next=numbering.next_number)
    run.db.write(queries.algorithms.update_community_profiles, kind=kind, ids=None)
    if found.chosen is not None:
        log.info("social communities: Louvain level %d of %d (%d groups, %.1f%% of ties inside), %d kept "
                 "their number, %d new, %d members moved", found.chosen.level, len(found.levels),
                 found.chosen.groups, 100 * found.chosen.inside, numbering.kept, numbering.new, len(moved))
    tags = []
    for r in run.db.read(queries.algorithms.stream_community_cohesion, kind=kind):
        size = int(r["size"] or 0)
        if size < 3:
            continue  # a pair is not a community
        band = "large" if size >= 30 else "medium" if size >= 10 else "small"
        inside = r["inside"] / r["ties"] if r["ties"] else 1.0
        tags.append({"id": r["id"], "tag": f"social_community:{band}", "weight": inside, "confidence": 0.8,
                     "evidence": [f"community {kind}-{r['community']} of {size} members",
                                  f"{inside:.0%} of ties inside it"]})
    return tags

def pagerank_influence(run: AlgorithmRun) -> list[TagRow]:
    if not run.db.read(queries.algorithms.has_social_ties)[0]["ties"]:
        run.skip("influencer", "the social graph is empty (no referral, no share that reached a customer)")
        return []
    scores = social.influence(run.db, run.engine)
    if not scores:
        return []
    ordered = sorted(scores, key=lambda k: (-scores[k], k))
    n = len(ordered)
    rows = []
    for i, cid in enumerate(ordered):
        pct = 1 - i / n
        if pct < 0.9:
            break
        rows.append({"id": cid, "tag": "influencer:" + ("top" if pct >= 0.99 else "high"), "weight": pct,
                     "confidence": 0.8, "evidence": [f"PageRank {scores[cid]:.3f}, rank {i + 1} of {n}"]})
    return rows

def preference_groups(run: AlgorithmRun) -> list[TagRow]:
    """Groups of customers who buy and browse alike (:mod:`ckg.graph.algorithms.preference`)."""
    if run.purchase_inputs()[0] + run.db.read(queries.algorithms.count_viewers)[0]["viewers"] < 2:
        run.skip("preference_cluster", "fewer than two customers bought or viewed a product (orders with "
                 "their items, or events, and products are needed)")
        return []
    found = preference.groups(run.db, run.engine, run.now)
    rows = []
    for cid, g in found.member.items():
        agreeing, n = found.agreeing[cid], found.interactions[cid]
        leading = ", ".join(found.leading.get(g, [])) or "no leading category"
        rows.append({"id": cid, "tag": f"preference_cluster:{g}", "weight": agreeing / preference.NEIGHBOURS,
                     "confidence": 0.9 if n >= 10 else 0.5,
                     "evidence": [f"group {g} of {found.sizes[g]} customers, who favour {leading}",
                                  f"{agreeing} of the {preference.NEIGHBOURS} customers most alike in "
                                  f"{n} purchases and views are in it"]})
    return rows


def identity_links(resolution: identity.Resolution) -> tuple[list[dict[str, Any]], list[TagRow]]:
    """SAME_PERSON_AS links (member -> canonical) and duplicate_identity tag rows for these persons.

    Each record's link and tag carry the weighed pairwise links that put it in its group: their
    confidence (the strongest) and evidence, so every merge can be explained.
    """
    own: dict[str, list[identity.Link]] = {}
    for k in resolution.links:
        own.setdefault(k.a, []).append(k)
        own.setdefault(k.b, []).append(k)
    links, rows = [], []
    for canonical, members in resolution.groups.items():
        for m in members:
            mine = sorted(own.get(m, []), key=lambda k: (-k.confidence, k.a, k.b))
            confidence = mine[0].confidence if mine else 0.0
            via = sorted({v for k in mine for v in k.via})
            evidence = [f"{k.a} ~ {k.b}: " + "; ".join(k.evidence) for k in mine]
            if m != canonical:
                links.append({"id": m, "canonical": canonical, "via": via, "confidence": confidence,
                              "evidence": evidence})
            rows.append({"id": m, "tag": "duplicate_identity", "weight": 1.0, "confidence": round(confidence, 4),
                         "evidence": [f"same person as {', '.join(x for x in members if x != m)}",
                                      f"shares {', '.join(via)}", *evidence]})
    return links, rows


def wcc_identity(run: AlgorithmRun, ids: list[str] | None = None) -> list[TagRow]:
    """Group records of one person (everyone, or only ``ids``), link them and return their tag rows."""
    if ids is None and not run.db.read(queries.algorithms.count_identity_records)[0]["records"]:
        run.skip("duplicate_identity", "no customer records")
        return []
    resolution = identity.resolve(run.db, run.engine, ids)
    links, rows = identity_links(resolution)
    run.db.write(queries.algorithms.clear_identity_links, ids=ids)
    run.db.write_batches(queries.algorithms.write_identity_links, links, CHUNK, now=run.now,
                         source=f"weighted-links+wcc:{run.engine}")
    return rows


#: What the BG/NBD fit sees: every order up to the refresh's "as of" (the newest data by default,
#: ``ckg tags refresh --as-of`` to replay history), cancelled ones excluded; purchases on one day
#: count once; T runs from a customer's first purchase to "as of".
CALIBRATION = "orders placed up to as-of, cancelled excluded, one purchase per day"
#: Fewer buyers than this give no stable fit: the family is skipped (the last model stays).
MIN_BUYERS = 20


def bgnbd_propensity(run: AlgorithmRun) -> list[TagRow]:
    hist = run.db.read(queries.algorithms.stream_purchase_histories, now=run.now)
    data = [(float(r["x"]), float(r["tx"]), float(r["T"])) for r in hist]
    if len(data) < MIN_BUYERS:
        kept = run.db.read(queries.algorithms.list_models, kind="bgnbd")
        last = f"; the model fitted to {kept[0]['calibrationEnd']} stays" if kept else ""
        run.skip("likely_to_buy_soon", f"{len(data)} customers with orders by {run.now}; "
                 f"BG/NBD needs {MIN_BUYERS}{last}")
        return []
    params = bgnbd.fit(data)  # the population's fit; scores only for those who allow profiling
    refusers = profiling_refusers(run.db)
    run.db.write(queries.algorithms.merge_model, kind="bgnbd", calibrationEnd=run.now, names=["r", "alpha", "a", "b"],
                 r=params.r, alpha=params.alpha, a=params.a, b=params.b,
                 logLikelihood=bgnbd.log_likelihood(params, data), customers=len(data), calibration=CALIBRATION)
    scored, rows = [], []
    horizon = 90 / 7
    for r, (x, tx, big_t) in zip(hist, data, strict=True):
        if r["id"] in refusers:
            continue
        alive = bgnbd.p_alive(params, x, tx, big_t)
        expected = bgnbd.expected_purchases(params, horizon, x, tx, big_t)
        scored.append({"id": r["id"], "pAlive": alive, "expected90d": expected})
        if alive >= 0.5 and expected >= 0.5:
            rows.append({"id": r["id"], "tag": "likely_to_buy_soon", "weight": alive,
                         "confidence": min(1.0, 0.5 + x / 10),
                         "evidence": [f"P(alive) {alive:.2f}, expected purchases in 90 days {expected:.2f}",
                                      f"{int(x)} repeat purchases, last {big_t - tx:.1f} weeks ago",
                                      f"BG/NBD fit r={params.r:.3f} alpha={params.alpha:.3f} "
                                      f"a={params.a:.3f} b={params.b:.3f} (model calibrated to {run.now})"]})
    run.db.write_batches(queries.algorithms.write_propensity, scored, CHUNK, now=run.now, defaultUses=DEFAULT_USES)
    return rows

def b2b_potential_tiers(run: AlgorithmRun) -> list[TagRow]:
    signals = run.db.read(queries.algorithms.stream_enterprise_signals, now=run.now)
    if not signals:
        run.skip("purchasing_potential", "no enterprises")
        return []
    ranked = b2b_potential.score(signals)
    n = len(ranked)
    run.db.write(queries.algorithms.write_enterprise_potential,
                  rows=[{"id": p.id, "score": p.score, "rank": p.rank} for p in ranked], now=run.now)
    rows = []
    for p in ranked:
        pct = 1 - (p.rank - 1) / max(n, 1)
        tier = "tier_a" if pct > 0.8 else "tier_b" if pct > 0.5 else "tier_c"
        rows.append({"id": p.id, "tag": f"purchasing_potential:{tier}", "weight": p.score, "confidence": 0.8,
                     "evidence": [f"rank {p.rank} of {n}, score {p.score:.3f}",
                                  f"{int(p.signals['inquiries'])} inquiries, {int(p.signals['orders'])} orders"]})
    return rows

def similar_customers(run: AlgorithmRun) -> int:
    """SIMILAR_TO between customers (not a tag family), refreshed with the rest."""
    if run.purchase_inputs()[0] < 2:
        run.skip("similar_customers", "fewer than two customers bought products (orders with their items "
                 "and products are needed)")
        run.db.run_autocommit(queries.algorithms.clear_similarity)
        return 0
    method = "fastrp_knn" if run.engine == "gds" else "jaccard"
    source = f"{method}:{run.engine}"
    if run.engine == "gds":
        before = profiling_refusers(run.db)  # the projection leaves them out
        written = similarity.write_gds_links(run.db, run.now, source,
                                             partial(run.db.run_autocommit, queries.algorithms.clear_similarity))
        # GDS writes what it computed without looking at consents again: the links of a customer
        # who withdrew profiling while it ran go now (graph.consent)
        late = sorted(profiling_refusers(run.db) - before)
        for start in range(0, len(late), CHUNK):
            run.db.write_tx(partial(drop_unconsented_outputs, ids=late[start:start + CHUNK]))
        return written
    rows = similarity.jaccard_rows(run.db)
    run.db.run_autocommit(queries.algorithms.clear_similarity)
    return run.db.write_batches(queries.algorithms.write_similarity, rows, CHUNK, now=run.now, source=source,
                                defaultUses=DEFAULT_USES)


#: The algorithm of each algorithm family (``derivation = "algorithm:<name>"`` in the catalogue).
ALGORITHM_FAMILIES: dict[str, Callable[[AlgorithmRun], list[TagRow]]] = {
    "louvain_social": louvain_social,
    "pagerank_influence": pagerank_influence,
    "preference_groups": preference_groups,
    "wcc_identity": wcc_identity,
    "bgnbd_propensity": bgnbd_propensity,
    "b2b_potential": b2b_potential_tiers,
}
