"""Co-purchase structure: products bought by the same customers, clustered with Louvain."""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx

from ckg.graph.algorithms.engine import Engine
from ckg.graph.algorithms.gds import projected
from ckg.graph.db import Database
from ckg.graph.queries import queries


def product_clusters(db: Database, engine: Engine, seed: int = 42) -> dict[str, int]:
    """Product sku -> cluster number, numbered by cluster size (0 = largest)."""
    raw: dict[str, int]
    if engine == "gds":
        with projected(db, queries.algorithms.project_copurchase) as name:
            rows = db.read(queries.algorithms.stream_louvain, graph=name, weight="weight", key="sku")
        raw = {r["id"]: int(r["community"]) for r in rows}
    else:
        g = nx.Graph()
        for r in db.read(queries.algorithms.stream_copurchase_edges):
            g.add_edge(r["source"], r["target"], weight=r["weight"])
        found = nx.community.louvain_communities(g, weight="weight", seed=seed)
        raw = {node: i for i, members in enumerate(found) for node in members}
    sizes = Counter(raw.values())
    rank = {c: i for i, (c, _) in enumerate(sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])))}
    return {sku: rank[c] for sku, c in raw.items()}


def customer_preferences(db: Database, clusters: dict[str, int]) -> dict[str, tuple[int, float, int]]:
    """Customer id -> (dominant cluster, share of items in it, items counted)."""
    per: dict[str, Counter[int]] = defaultdict(Counter)
    for r in db.read(queries.algorithms.stream_customer_products):
        if r["sku"] in clusters:
            per[r["id"]][clusters[r["sku"]]] += int(r["n"])
    out = {}
    for cid, counts in per.items():
        cluster, n = counts.most_common(1)[0]
        total = sum(counts.values())
        out[cid] = (cluster, n / total, total)
    return out
