"""Social graph algorithms: Louvain communities and PageRank influence (GDS or networkx)."""

from __future__ import annotations

import networkx as nx

from ckg.graph.algorithms.engine import Engine
from ckg.graph.algorithms.gds import projected
from ckg.graph.db import Database
from ckg.graph.queries import queries


def social_graph(db: Database) -> nx.DiGraph:
    """The share/referral ties as a networkx graph: an edge from the reached to the sharer."""
    g = nx.DiGraph()
    for row in db.read(queries.algorithms.stream_social_edges):
        g.add_edge(row["target"], row["source"])
    return g


def communities(db: Database, engine: Engine, seed: int = 42) -> dict[str, int]:
    """Customer id -> community number: Louvain's first level on the undirected social graph.

    Later levels maximise modularity over the whole graph and, past a few thousand members, merge
    small tight groups joined by a tie or two (the resolution limit): on the 20k demo data the final
    level scores ARI 0.71 against the planted groups, the first level 0.999.
    """
    if engine == "gds":
        undirected = {"undirectedRelationshipTypes": ["*"]}  # Louvain is defined on undirected graphs
        with projected(db, queries.algorithms.project_social, config=undirected) as name:
            rows = db.read(queries.algorithms.stream_louvain_first_level, graph=name)
        return {r["id"]: int(r["community"]) for r in rows}
    g = social_graph(db).to_undirected()
    first: list[set[str]] = next(iter(nx.community.louvain_partitions(g, seed=seed)), [])
    return {node: i for i, members in enumerate(first) for node in members}


def influence(db: Database, engine: Engine) -> dict[str, float]:
    """Customer id -> PageRank, with influence flowing from those reached to those who reached them."""
    if engine == "gds":
        with projected(db, queries.algorithms.project_social, config={}) as name:
            rows = db.read(queries.algorithms.stream_pagerank, graph=name)
        return {r["id"]: float(r["score"]) for r in rows}
    g = social_graph(db)
    return {k: float(v) for k, v in nx.pagerank(g, alpha=0.85, max_iter=100).items()}
