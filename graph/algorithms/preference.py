"""Preference groups: customers clustered on the similarity graph of what they buy and browse.

A customer's profile is the share of their interactions (order lines and viewed products) in each
top-level category of the shop's own catalogue. Profiles are compared by the Bhattacharyya
coefficient (the cosine of the square roots of the shares, the affinity behind the Hellinger
distance), the usual measure for compositions: it does not let one busy category dominate as a
raw-count cosine does. Each customer is joined to their :data:`NEIGHBOURS` most similar customers
(exact kNN, through a k-d tree), and the communities of this kNN graph are the groups: Leiden in
GDS, Louvain in networkx, both at :data:`RESOLUTION`. Every customer with at least one order line
or view gets a group, so coverage is the share of customers who did anything.

``NEIGHBOURS`` and ``RESOLUTION`` were chosen on the development seeds (``python -m bench
accuracy``; docs/accuracy.md lists the sweep), never on held-out ones. No category name or count
is known in advance: the categories are whatever the graph holds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree  # type: ignore[import-untyped]  # scipy ships no type hints

from ckg.graph.algorithms.engine import Engine
from ckg.graph.algorithms.gds import projected
from ckg.graph.db import Database
from ckg.graph.queries import queries

#: Neighbours per customer in the similarity graph (swept 10, 15, 20, 30 on the dev seeds).
NEIGHBOURS = 15
#: Modularity resolution (swept 0.3-2.0 on the dev seeds; below 1 merges the many small groups
#: that customers with few interactions form around the real ones).
RESOLUTION = 0.5
#: Products whose interactions one read of the profiles brings: the generator's 2,304 products make
#: 24 pages, each with about a 24th of the rows (one read of every customer's profile is a risk for
#: the 4.2 GiB a transaction may use with a 6 GiB heap at a million customers).
PRODUCTS_PER_PAGE = 100


@dataclass
class Groups:
    """Customer id -> group number (0 = largest), and what explains each membership."""

    member: dict[str, int] = field(default_factory=dict)
    sizes: dict[int, int] = field(default_factory=dict)
    #: group -> its most frequent top-level categories (names), for evidence
    leading: dict[int, list[str]] = field(default_factory=dict)
    #: customer id -> how many of their nearest neighbours fell in their group
    agreeing: dict[str, int] = field(default_factory=dict)
    interactions: dict[str, int] = field(default_factory=dict)


def profiles(db: Database, now: str) -> tuple[list[str], list[str], np.ndarray]:
    """(customer ids in order, category names, interaction counts: one row per customer).

    Read :data:`PRODUCTS_PER_PAGE` products at a time (one read each) and summed here: a customer's
    count in a category is the same whatever pages its products fell in.
    """
    customer: dict[str, int] = {}
    category: dict[str, int] = {}
    names: dict[str, str] = {}
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    after = ""
    while True:
        page = db.read_plain(queries.algorithms.stream_category_profiles, now=now, after=after,
                       limit=PRODUCTS_PER_PAGE)[0]
        if page["last"] is None:
            break
        rows = page["rows"]
        for _, cat, name, _ in rows:
            if cat not in category:
                category[cat] = len(category)
                names[cat] = name or cat
        parts.append((np.fromiter((customer.setdefault(r[0], len(customer)) for r in rows), np.int64, len(rows)),
                      np.fromiter((category[r[1]] for r in rows), np.int64, len(rows)),
                      np.fromiter((r[3] for r in rows), np.float64, len(rows))))
        after = page["last"]
    ids, cats = sorted(customer), sorted(category)
    row_of = np.empty(len(ids), dtype=np.int64)  # first-seen number -> row in id order
    row_of[[customer[c] for c in ids]] = np.arange(len(ids))
    col_of = np.empty(len(cats), dtype=np.int64)
    col_of[[category[c] for c in cats]] = np.arange(len(cats))
    counts = np.zeros((len(ids), len(cats)))
    for rows_seen, cols_seen, n in parts:
        np.add.at(counts, (row_of[rows_seen], col_of[cols_seen]), n)
    return ids, [names[c] for c in cats], counts


def knn(counts: np.ndarray, k: int = NEIGHBOURS) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` most similar other rows (Bhattacharyya coefficient): (indices, similarities).

    Exact, through a k-d tree: the square-rooted shares are unit vectors, so the most similar rows
    are the nearest in Euclidean distance (``|a - b|^2 = 2 - 2 a.b``). With a dozen top-level
    categories this costs about n^1.4 instead of the n^2 of the full similarity matrix (20,000
    customers: 1.3 s instead of 6.5 s; 200,000: about a minute instead of ten). Rows with the same
    mix are at distance 0 from each other; which of several equally similar rows is kept is the
    tree's choice.
    """
    n = counts.shape[0]
    k = min(k, n - 1)
    roots = np.sqrt(counts / counts.sum(axis=1, keepdims=True))
    # One more than k: a row is its own nearest (or ties with its duplicates) and is dropped below.
    dist, found = cKDTree(roots).query(roots, k=k + 1, workers=-1)
    found = found.reshape(n, k + 1)
    dist = dist.reshape(n, k + 1)
    own = found == np.arange(n)[:, None]
    # Where the row itself was not returned (more than k duplicates), drop the farthest instead.
    own[~own.any(axis=1), k] = True
    keep = ~own
    index = found[keep].reshape(n, k).astype(np.int64)
    score = 1.0 - dist[keep].reshape(n, k) ** 2 / 2.0
    return index, score


def _pairs(index: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The undirected kNN graph: pairs ``(a, b)``, ``a < b``, in order, each with the larger of its
    two directions' similarities; pairs whose similarity is not positive are left out."""
    n, k = index.shape
    rows = np.repeat(np.arange(n), k)
    cols = index.ravel()
    sims = score.ravel()
    keep = sims > 0
    a = np.minimum(rows, cols)[keep]
    b = np.maximum(rows, cols)[keep]
    w = sims[keep]
    if not len(w):
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0)
    order = np.lexsort((b, a))
    a, b, w = a[order], b[order], w[order]
    first = np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])]
    starts = np.flatnonzero(first)
    return np.stack([a[starts], b[starts]], axis=1), np.maximum.reduceat(w, starts)


def groups(db: Database, engine: Engine, now: str, seed: int = 42) -> Groups:
    ids, names, counts = profiles(db, now)
    out = Groups()
    if len(ids) < 2:
        return out
    index, score = knn(counts)
    pairs, pair_weights = _pairs(index, score)
    raw: dict[str, int]
    if engine == "gds":
        edges = [[a, b, w] for (a, b), w in zip(pairs.tolist(), pair_weights.tolist(), strict=True)]
        with projected(db, queries.algorithms.project_preference_graph, ids=ids, edges=edges) as name:
            found = db.read_plain(queries.algorithms.stream_leiden, graph=name, gamma=RESOLUTION)[0]
        raw = dict(zip(found["ids"], map(int, found["communities"]), strict=True))
    else:
        g = nx.Graph()
        g.add_nodes_from(range(len(ids)))
        g.add_weighted_edges_from((int(a), int(b), float(w)) for (a, b), w in zip(pairs, pair_weights, strict=True))
        found = nx.community.louvain_communities(g, weight="weight", resolution=RESOLUTION, seed=seed)
        raw = {ids[node]: c for c, members in enumerate(found) for node in members}
    sizes = Counter(raw.values())
    rank = {c: n for n, (c, _) in enumerate(sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])))}
    out.member = {cid: rank[c] for cid, c in raw.items()}
    out.sizes = {rank[c]: n for c, n in sizes.items()}
    group = np.array([out.member.get(cid, -1) for cid in ids])
    agreeing = (group[index] == group[:, None]).sum(axis=1)
    totals: dict[int, np.ndarray] = {}
    for i, cid in enumerate(ids):
        if group[i] < 0:
            continue
        g_ = int(group[i])
        totals[g_] = totals.get(g_, 0) + counts[i] / counts[i].sum()
        out.agreeing[cid] = int(agreeing[i])
        out.interactions[cid] = int(counts[i].sum())
    for g_, t in totals.items():
        shares = t / t.sum()
        out.leading[g_] = [names[j] for j in np.argsort(-shares)[:3] if shares[j] >= 0.1]
    return out
