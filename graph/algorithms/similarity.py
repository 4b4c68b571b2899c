"""Similar customers, top-k per customer.

GDS engine: FastRP embeddings of the customer-product purchase graph, then kNN on them (cosine);
both scale near-linearly, where exact node similarity over shared categories grows with the
square of each category's buyers (minutes at 100k customers). networkx engine (small graphs):
exact Jaccard similarity of the leaf categories customers buy.
"""

from __future__ import annotations

import heapq
from collections import defaultdict

from ckg.graph.algorithms.engine import Engine
from ckg.graph.algorithms.gds import projected
from ckg.graph.db import Database
from ckg.graph.queries import queries


def similar_customers(db: Database, engine: Engine, top_k: int = 5, cutoff: float = 0.3) -> list[dict[str, object]]:
    """Rows ``{source, target, score}``: each customer's top-k most similar customers."""
    if engine == "gds":
        with projected(db, queries.algorithms.project_customer_products) as name:
            db.read(queries.algorithms.mutate_fastrp, graph=name)
            return db.read(queries.algorithms.stream_knn, graph=name, topK=top_k, cutoff=max(cutoff, 0.5))
    sets = {r["id"]: frozenset(r["categories"]) for r in db.read(queries.algorithms.stream_customer_categories)}
    by_cat: dict[str, list[str]] = defaultdict(list)
    for cid, cats in sets.items():
        for cat in cats:
            by_cat[cat].append(cid)
    rows: list[dict[str, object]] = []
    for cid, cats in sets.items():
        candidates = {other for cat in cats for other in by_cat[cat] if other != cid}
        scored = ((len(cats & sets[o]) / len(cats | sets[o]), o) for o in candidates)
        best = heapq.nlargest(top_k, (s for s in scored if s[0] >= cutoff), key=lambda s: (s[0], s[1]))
        rows.extend({"source": cid, "target": o, "score": s} for s, o in best)
    return rows
