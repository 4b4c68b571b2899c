"""Social graph algorithms: Louvain communities and PageRank influence (GDS or networkx).

Which Louvain level is a community? Louvain returns a hierarchy: each level merges the previous
one's groups while modularity grows. Modularity at its usual resolution prefers, on a large graph,
to merge small tight groups joined by a tie or two (the resolution limit), so the last level is
not the answer; and choosing the level by scoring against a known answer is circular. The level
is chosen on the graph alone: the one under which the degree-corrected planted-partition model
(Newman, "Equivalence between modularity optimization and maximum likelihood methods for community
detection", Phys. Rev. E 94, 052315, 2016) explains the ties best. For a partition with ``m_in``
of the graph's ``m`` ties inside groups and group degree totals ``kappa_r``, the model's fitted
rates are ``w_in = 2 m_in / (sum kappa_r^2 / 2m)`` and ``w_out = 2 (m - m_in) / (2m - sum kappa_r^2 / 2m)``
and its log-likelihood (up to terms every partition shares) is
``m_in ln w_in + (m - m_in) ln w_out``. One group scores 0 and every node alone about
``sum k_i^2 / 4m`` (little); a level that merges groups with few ties between them lowers ``w_in``
more than it adds inside ties, and scores less. Both engines run Louvain and apply the same
criterion to its levels (docs/communities.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from ckg.graph.algorithms.engine import Engine
from ckg.graph.algorithms.gds import projected
from ckg.graph.db import Database
from ckg.graph.queries import queries

KIND = "social"


@dataclass(frozen=True)
class LevelFit:
    """How well one Louvain level explains the ties (the planted-partition model's fit)."""

    level: int
    groups: int
    inside: float  # share of the ties inside groups
    log_likelihood: float
    resolution: float  # the modularity resolution this fit implies (Newman 2016, eq. 14)


@dataclass(frozen=True)
class Communities:
    """Customer id -> community label of the chosen level, with every level's fit."""

    members: dict[str, int]
    chosen: LevelFit | None
    levels: tuple[LevelFit, ...]


def level_fit(level: int, m: float, m_in: float, group_degrees: Iterable[float]) -> LevelFit:
    """The planted-partition fit of a partition: ``m`` ties, ``m_in`` inside, group degree totals."""
    totals = list(group_degrees)
    square = sum(k * k for k in totals) / (2 * m)  # sum kappa_r^2 / 2m
    w_in = 2 * m_in / square if square > 0 else 0.0
    w_out = 2 * (m - m_in) / (2 * m - square) if 2 * m > square else 0.0
    ll = (m_in * math.log(w_in) if m_in > 0 else 0.0) + ((m - m_in) * math.log(w_out) if m > m_in else 0.0)
    gamma = (w_in - w_out) / (math.log(w_in) - math.log(w_out)) if w_in > 0 and w_out > 0 and w_in != w_out \
        else 1.0
    return LevelFit(level, len(totals), m_in / m if m else 0.0, ll, gamma)


def choose_level(fits: Sequence[LevelFit]) -> LevelFit | None:
    """The level with the highest likelihood; on a tie the finer (earlier) one."""
    return max(fits, key=lambda f: (round(f.log_likelihood, 6), -f.level), default=None)


def social_ties(db: Database) -> list[tuple[str, str]]:
    """The share/referral ties, (sharer or referrer, reached or referred), one row per tie."""
    return [(r["source"], r["target"]) for r in db.read(queries.algorithms.stream_social_edges)]


def social_graph(db: Database) -> nx.DiGraph:
    """The share/referral ties as a networkx graph: an edge from the reached to the sharer."""
    g = nx.DiGraph()
    g.add_edges_from((b, a) for a, b in social_ties(db))
    return g


def undirected_ties(ties: Iterable[tuple[str, str]]) -> nx.Graph:
    """Undirected graph weighted by the number of ties between two customers (as GDS projects them)."""
    g = nx.Graph()
    for a, b in ties:
        if g.has_edge(a, b):
            g[a][b]["weight"] += 1
        else:
            g.add_edge(a, b, weight=1)
    return g


def _networkx_communities(g: nx.Graph, seed: int) -> Communities:
    m = g.size(weight="weight")
    degree = dict(g.degree(weight="weight"))
    partitions: list[dict[str, int]] = []
    fits: list[LevelFit] = []
    for level, groups in enumerate(nx.community.louvain_partitions(g, weight="weight", seed=seed)):
        label = {n: i for i, members in enumerate(groups) for n in members}
        m_in = sum(w for a, b, w in g.edges(data="weight") if label[a] == label[b])
        totals: dict[int, float] = defaultdict(float)
        for n, k in degree.items():
            totals[label[n]] += k
        partitions.append(label)
        fits.append(level_fit(level, m, m_in, totals.values()))
    chosen = choose_level(fits)
    return Communities(partitions[chosen.level] if chosen else {}, chosen, tuple(fits))


def _gds_communities(db: Database) -> Communities:
    with projected(db, queries.algorithms.project_social_communities, kind=KIND) as name:
        seeded = bool(db.read(queries.algorithms.has_seed_property, graph=name)[0]["seeded"])
        run = db.read(queries.algorithms.mutate_louvain_levels, graph=name, seeded=seeded)[0]
        db.read(queries.algorithms.mutate_degree, graph=name)
        streamed = db.read_plain(queries.algorithms.stream_louvain_levels, graph=name)[0]
    ids: list[str] = streamed["ids"]
    modularities: list[float] = list(run["modularities"])
    if not ids:
        return Communities({}, None, ())
    levels = np.array(streamed["levels"], dtype=np.int64).reshape(len(ids), -1)  # a row per customer
    degrees = np.array(streamed["degrees"], dtype=np.float64)
    m = float(degrees.sum()) / 2
    fits = []
    for level, q in enumerate(modularities):
        _, group = np.unique(levels[:, level], return_inverse=True)
        totals = np.bincount(group, weights=degrees)
        square = float(np.square(totals).sum())
        # Modularity Q = m_in / m - sum kappa^2 / 4m^2 gives the ties inside without reading them.
        m_in = min(m, max(0.0, m * (q + square / (4 * m * m)))) if m else 0.0
        fits.append(level_fit(level, m, m_in, totals.tolist()))
    chosen = choose_level(fits)
    members = dict(zip(ids, levels[:, chosen.level].tolist(), strict=True)) if chosen else {}
    return Communities(members, chosen, tuple(fits))


def detect(db: Database, engine: Engine, seed: int = 42) -> Communities:
    """Louvain on the undirected social graph, at the level chosen by the planted-partition fit.

    GDS starts from the current communities (``seedProperty``), so an unchanged graph keeps its
    partition; networkx's Louvain takes no starting partition, and is made repeatable by a fixed
    seed and a fixed input order. Either way :mod:`ckg.graph.algorithms.community_ids` gives the
    communities their lasting numbers. An empty social graph gives no communities.
    """
    if engine == "gds":
        if not db.read(queries.algorithms.has_social_ties)[0]["ties"]:
            return Communities({}, None, ())
        return _gds_communities(db)
    return _networkx_communities(undirected_ties(social_ties(db)), seed)


def communities(db: Database, engine: Engine, seed: int = 42) -> dict[str, int]:
    """Customer id -> community label (the engine's own labels; see :func:`detect`)."""
    return detect(db, engine, seed).members


def influence(db: Database, engine: Engine) -> dict[str, float]:
    """Customer id -> PageRank, with influence flowing from those reached to those who reached them."""
    if engine == "gds":
        if not db.read(queries.algorithms.has_social_ties)[0]["ties"]:
            return {}
        with projected(db, queries.algorithms.project_social) as name:
            found = db.read_plain(queries.algorithms.stream_pagerank, graph=name)[0]
        return dict(zip(found["ids"], map(float, found["scores"]), strict=True))
    g = social_graph(db)
    return {k: float(v) for k, v in nx.pagerank(g, alpha=0.85, max_iter=100).items()}
