"""Similar customers, top-k per customer.

GDS engine: FastRP embeddings of the customer-product purchase graph, then kNN on them (cosine);
both scale near-linearly, where exact node similarity over shared categories grows with the
square of each category's buyers (minutes at 100k customers). The links stay in GDS until they
are written: kNN mutates the projection and GDS writes the ``SIMILAR_TO`` relationships itself,
so no row passes through this process. networkx engine (small graphs): exact Jaccard similarity
of the leaf categories customers buy, written in batches. Only customers who allow profiling
are compared, so no link has a refuser at either end (:mod:`ckg.graph.consent`).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable

from ckg.graph.algorithms.gds import projected
from ckg.graph.consent import DEFAULT_USES
from ckg.graph.db import Database
from ckg.graph.queries import queries

TOP_K = 5
CUTOFF = 0.3
#: GDS's cosine is rescaled to [0, 1]: 0.5 there is a cosine of 0.
GDS_CUTOFF = 0.5


def write_gds_links(db: Database, now: str, source: str, clear: Callable[[], object]) -> int:
    """Compute each customer's top-k in GDS, then ``clear`` the old links and let GDS write the new
    ones (the graph is without links only while they are written, not while kNN runs)."""
    with projected(db, queries.algorithms.project_customer_products, defaultUses=DEFAULT_USES) as name:
        db.read(queries.algorithms.mutate_fastrp, graph=name)
        db.read(queries.algorithms.mutate_knn, graph=name, topK=TOP_K, cutoff=max(CUTOFF, GDS_CUTOFF))
        clear()
        # GDS writes in transactions of its own: a managed transaction retried after a transient
        # error would write the links that were already committed a second time. One attempt; if it
        # fails, the refresh fails and the next one clears and writes them again.
        written = int(db.run_autocommit(queries.algorithms.write_similar_links, graph=name)[0]["relationshipsWritten"])
    db.run_autocommit(queries.algorithms.stamp_similarity, now=now, source=source)
    return written


def jaccard_rows(db: Database, top_k: int = TOP_K, cutoff: float = CUTOFF) -> list[dict[str, object]]:
    """Rows ``{source, target, score}``: each customer's top-k most similar customers (networkx engine)."""
    sets = {r["id"]: frozenset(r["categories"]) for r in db.read(queries.algorithms.stream_customer_categories,
                                                                        defaultUses=DEFAULT_USES)}
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
