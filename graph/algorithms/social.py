"""Social graph algorithms: Louvain communities and PageRank influence (GDS or networkx)."""

from __future__ import annotations

import networkx as nx

from graph.algorithms.engine import Engine
from graph.algorithms.gds import projected
from graph.db import Database
from graph.queries import queries


def social_graph(db: Database) -> nx.DiGraph:
    """The share/referral ties as a networkx graph: an edge from the reached to the sharer."""
    g = nx.DiGraph()
    for row in db.read(queries.algorithms.stream_social_edges):
        g.add_edge(row["target"], row["source"])
    return g


def communities(db: Database, engine: Engine, seed: int = 42) -> dict[str, int]:
    """Customer id -> community number (Louvain on the undirected social graph)."""
    if engine == "gds":
        undirected = {"undirectedRelationshipTypes": ["*"]}  # Louvain is defined on undirected graphs
        with projected(db, queries.algorithms.project_social, config=undirected) as name:
            rows = db.read(queries.algorithms.stream_louvain, graph=name, weight=None, key="customerId")
        return {r["id"]: int(r["community"]) for r in rows}
    g = social_graph(db).to_undirected()
    found = nx.community.louvain_communities(g, seed=seed)
    return {node: i for i, members in enumerate(found) for node in members}


def influence(db: Database, engine: Engine) -> dict[str, float]:
    """Customer id -> PageRank, with influence flowing from those reached to those who reached them."""
    if engine == "gds":
        with projected(db, queries.algorithms.project_social, config={}) as name:
            rows = db.read(queries.algorithms.stream_pagerank, graph=name)
        return {r["id"]: float(r["score"]) for r in rows}
    g = social_graph(db)
    return {k: float(v) for k, v in nx.pagerank(g, alpha=0.85, max_iter=100).items()}
