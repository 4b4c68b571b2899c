"""Refresh tags: every family of the catalogue, for all customers or incrementally for a few.

A Cypher family is derived chunk by chunk (5,000 ids): in one write transaction the chunk's old
tags of that family are removed, the derivation query computes the new ones, and they are
written with weight, confidence, computedAt, source and evidence. Algorithm families run their
algorithm once over the whole graph (GDS or networkx), then write through the same path.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph.algorithms import b2b_potential, bgnbd, copurchase, identity, similarity, social
from graph.algorithms.engine import Engine, choose
from graph.db import Database, TxRunner
from graph.errors import CkgError
from graph.queries import Query, queries
from graph.tags.catalogue import FAMILIES, TagFamily, family

CHUNK = 5000
SIMILARITY = "similar_customers"  # not a tag family: SIMILAR_TO relationships, refreshed with the rest
HALF_LIFE_DAYS = 90.0
EXPECTING = ["Maternity Prenatal Vitamins", "Maternity Unscented Lotion", "Maternity Wear"]
NEWBORN = ["Baby Care Newborn Clothes", "Nursery Cribs", "Feeding Bottles"]
TagRow = dict[str, Any]


@dataclass
class Stage:
    name: str
    seconds: float
    rows: int


@dataclass
class RefreshResult:
    as_of: str
    engine: Engine
    stages: list[Stage] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.stages)


class Observer:
    """Progress callbacks (the CLI draws them); this base does nothing."""

    def start(self, name: str, total: int) -> None:
        pass

    def advance(self, name: str, done: int) -> None:
        pass


def data_end(db: Database) -> str:
    """The newest order or event timestamp: the default ``as of`` of a refresh."""
    row = db.read(queries.tags.find_data_end)[0]
    return str(row["asOf"]) if row["asOf"] else datetime.now(UTC).isoformat()


def _ids(db: Database, entity: str) -> Iterator[list[str]]:
    query = queries.tags.list_customer_ids if entity == "Customer" else queries.tags.list_enterprise_ids
    after = ""
    while True:
        page = [r["id"] for r in db.read(query, after=after, limit=CHUNK)]
        if not page:
            return
        yield page
        after = page[-1]


def _tag_params(f: TagFamily, now: str, source: str) -> dict[str, Any]:
    return {"family": f.name, "dimension": f.dimension, "description": f.description,
            "sensitive": f.sensitive, "now": now, "source": source}


class Refresher:
    """Runs the derivations; one instance per refresh."""

    def __init__(self, db: Database, *, engine: str = "auto", as_of: str | None = None,
                 observer: Observer | None = None) -> None:
        self.db = db
        self._wanted_engine = engine
        self._engine: Engine | None = None
        self.now = as_of or data_end(db)
        self.observer = observer or Observer()
        self.result = RefreshResult(self.now, "networkx" if engine == "networkx" else "gds")

    @property
    def engine(self) -> Engine:
        """Chosen on first use, so an incremental refresh (no algorithms) skips the check."""
        if self._engine is None:
            self._engine = choose(self.db, self._wanted_engine)
            self.result.engine = self._engine
        return self._engine

    # ------------------------------------------------------------------ entry points
    def run(self, only: Iterable[str] | None = None, customers: Sequence[str] | None = None) -> RefreshResult:
        wanted = list(only) if only else [f.name for f in FAMILIES] + [SIMILARITY]
        for name in wanted:
            if name == SIMILARITY:
                continue
            try:
                family(name)
            except KeyError:
                raise CkgError(f"unknown tag family {name!r}; `ckg tags list` shows them") from None
        if customers is not None:
            return self._incremental([f for f in FAMILIES if f.name in wanted], list(customers))
        for f in FAMILIES:
            if f.name not in wanted:
                continue
            started = time.perf_counter()
            rows = self._family(f)
            self.result.stages.append(Stage(f.name, time.perf_counter() - started, rows))
        if SIMILARITY in wanted:
            started = time.perf_counter()
            n = self._similarity()
            self.result.stages.append(Stage(SIMILARITY, time.perf_counter() - started, n))
        return self.result

    def _incremental(self, families: list[TagFamily], ids: list[str]) -> RefreshResult:
        """A few customers after new events: every incremental Cypher family in one transaction.

        Population-level families (RFM quintiles, communities, propensity) wait for a full refresh.
        """
        chosen = [f for f in families if f.applies_to == "Customer" and f.refresh == "incremental" and f.query_name]
        prepared = [(f, queries.get(f.query_name or ""),
                     {**_tag_params(f, self.now, f"cypher:{f.query_name}"), **self._extra_params(f)})
                    for f in chosen]

        def work(tx: TxRunner) -> list[Stage]:
            stages = []
            for f, derive, params in prepared:
                started = time.perf_counter()
                written = self._derive_chunk(tx, f, derive, params, ids)
                stages.append(Stage(f.name, time.perf_counter() - started, written))
            return stages

        self.result.stages.extend(self.db.write_tx(work))
        return self.result

    def _family(self, f: TagFamily) -> int:
        if f.query_name:
            return self._cypher_family(f)
        algorithm = getattr(self, f"_algo_{f.algorithm}")
        rows: list[TagRow] = algorithm(f)
        return self._replace_all(f, rows)

    # ------------------------------------------------------------------ Cypher families
    def _extra_params(self, f: TagFamily) -> dict[str, Any]:
        extra: dict[str, Any] = {"halfLifeDays": HALF_LIFE_DAYS}
        if f.name == "rfm_segment":
            extra["cuts"] = self.db.read(queries.tags.measure_rfm_cuts, now=self.now)[0]
        if f.name == "high_value":
            threshold = self.db.read(queries.tags.measure_high_value_threshold, now=self.now)[0]["threshold"]
            extra["threshold"] = threshold if threshold is not None else math.inf
        if f.name == "life_stage":
            extra.update(expecting=EXPECTING, newborn=NEWBORN)
        return extra

    def _derive_chunk(self, tx: TxRunner, f: TagFamily, derive: Query, params: dict[str, Any],
                      ids: list[str]) -> int:
        """Replace family ``f``'s tags on ``ids``: clear, derive, write, all in the caller's transaction."""
        clear, write = self._clear_write(f)
        tx.run(clear, ids=ids, family=f.name)
        rows = tx.run(derive, ids=ids, **params)
        if rows:
            tx.run(write, rows=rows, **params)
        return len(rows)

    def _cypher_family(self, f: TagFamily) -> int:
        """Every subject of the family, chunk by chunk, one transaction per chunk."""
        assert f.query_name is not None
        derive = queries.get(f.query_name)
        params = {**_tag_params(f, self.now, f"cypher:{f.query_name}"), **self._extra_params(f)}
        written = 0
        self.observer.start(f.name, 0)
        for n, ids in enumerate(_ids(self.db, f.applies_to), start=1):
            written += self.db.write_tx(
                lambda tx, ids=ids: self._derive_chunk(tx, f, derive, params, ids))  # type: ignore[misc]
            self.observer.advance(f.name, n)
        return written

    def _clear_write(self, f: TagFamily) -> tuple[Query, Query]:
        if f.applies_to == "Customer":
            return queries.tags.clear_customer_family, queries.tags.write_customer_tags
        return queries.tags.clear_enterprise_family, queries.tags.write_enterprise_tags

    def _replace_all(self, f: TagFamily, rows: list[TagRow]) -> int:
        """Algorithm families: clear the family everywhere, then write ``rows`` in chunks."""
        clear, write = self._clear_write(f)
        params = _tag_params(f, self.now, f"algorithm:{f.algorithm}:{self.engine}")
        for ids in _ids(self.db, f.applies_to):
            self.db.write(clear, ids=ids, family=f.name)
        return self.db.write_batches(write, rows, CHUNK, **params)

    # ------------------------------------------------------------------ algorithm families
    def _algo_louvain_social(self, f: TagFamily) -> list[TagRow]:
        found = social.communities(self.db, self.engine)
        self.db.write(queries.algorithms.clear_communities, kind="social")
        self.db.write_batches(queries.algorithms.write_communities,
                              ({"id": cid, "community": c} for cid, c in found.items()), CHUNK,
                              kind="social", algorithm=f"louvain:{self.engine}", now=self.now)
        self.db.write(queries.algorithms.update_community_profiles, kind="social")
        sizes: dict[int, int] = {}
        for c in found.values():
            sizes[c] = sizes.get(c, 0) + 1
        edges = social.social_graph(self.db).to_undirected() if found else None
        tags = []
        for cid, c in found.items():
            size = sizes[c]
            if size < 3:
                continue  # a pair is not a community
            band = "large" if size >= 30 else "medium" if size >= 10 else "small"
            inside = 1.0
            if edges is not None and cid in edges:
                ties = list(edges.neighbors(cid))
                inside = sum(found.get(n) == c for n in ties) / max(len(ties), 1)
            tags.append({"id": cid, "tag": f"social_community:{band}", "weight": inside, "confidence": 0.8,
                         "evidence": [f"community social-{c} of {size} members",
                                      f"{inside:.0%} of ties inside it"]})
        return tags

    def _algo_pagerank_influence(self, f: TagFamily) -> list[TagRow]:
        scores = social.influence(self.db, self.engine)
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

    def _algo_copurchase_clusters(self, f: TagFamily) -> list[TagRow]:
        clusters = copurchase.product_clusters(self.db, self.engine)
        prefs = copurchase.customer_preferences(self.db, clusters)
        return [{"id": cid, "tag": f"preference_cluster:{cluster}", "weight": share,
                 "confidence": 0.9 if total >= 5 else 0.5,
                 "evidence": [f"{share:.0%} of {total} items bought fall in co-purchase cluster {cluster}"]}
                for cid, (cluster, share, total) in prefs.items() if share >= 0.3]

    def _algo_wcc_identity(self, f: TagFamily) -> list[TagRow]:
        groups = identity.components(self.db, self.engine)
        shared_by: dict[str, set[str]] = {}  # record -> identifiers it shares with another record
        for a, b, how in identity.identity_edges(self.db):
            shared_by.setdefault(a, set()).add(how)
            shared_by.setdefault(b, set()).add(how)
        self.db.write(queries.algorithms.clear_identity_links)
        links, rows = [], []
        for canonical, members in groups.items():
            for m in members:
                shared = sorted(shared_by.get(m, ()))
                if m != canonical:
                    links.append({"id": m, "canonical": canonical, "via": shared})
                rows.append({"id": m, "tag": "duplicate_identity", "weight": 1.0, "confidence": 0.95,
                             "evidence": [f"same person as {', '.join(x for x in members if x != m)}",
                                          f"shares {', '.join(shared)}"]})
        self.db.write_batches(queries.algorithms.write_identity_links, links, CHUNK, now=self.now,
                              source=f"wcc:{self.engine}")
        return rows

    def _algo_bgnbd_propensity(self, f: TagFamily) -> list[TagRow]:
        hist = self.db.read(queries.algorithms.stream_purchase_histories, now=self.now)
        data = [(float(r["x"]), float(r["tx"]), float(r["T"])) for r in hist]
        if len(data) < 20:
            return []
        params = bgnbd.fit(data)
        scored, rows = [], []
        horizon = 90 / 7
        for r, (x, tx, big_t) in zip(hist, data, strict=True):
            alive = bgnbd.p_alive(params, x, tx, big_t)
            expected = bgnbd.expected_purchases(params, horizon, x, tx, big_t)
            scored.append({"id": r["id"], "pAlive": alive, "expected90d": expected})
            if alive >= 0.5 and expected >= 0.5:
                rows.append({"id": r["id"], "tag": "likely_to_buy_soon", "weight": alive,
                             "confidence": min(1.0, 0.5 + x / 10),
                             "evidence": [f"P(alive) {alive:.2f}, expected purchases in 90 days {expected:.2f}",
                                          f"{int(x)} repeat purchases, last {big_t - tx:.1f} weeks ago",
                                          f"BG/NBD fit r={params.r:.3f} alpha={params.alpha:.3f} "
                                          f"a={params.a:.3f} b={params.b:.3f}"]})
        self.db.write_batches(queries.algorithms.write_propensity, scored, CHUNK, now=self.now)
        return rows

    def _algo_b2b_potential(self, f: TagFamily) -> list[TagRow]:
        signals = self.db.read(queries.algorithms.stream_enterprise_signals, now=self.now)
        ranked = b2b_potential.score(signals)
        n = len(ranked)
        self.db.write(queries.algorithms.write_enterprise_potential,
                      rows=[{"id": p.id, "score": p.score, "rank": p.rank} for p in ranked], now=self.now)
        rows = []
        for p in ranked:
            pct = 1 - (p.rank - 1) / max(n, 1)
            tier = "tier_a" if pct > 0.8 else "tier_b" if pct > 0.5 else "tier_c"
            rows.append({"id": p.id, "tag": f"purchasing_potential:{tier}", "weight": p.score, "confidence": 0.8,
                         "evidence": [f"rank {p.rank} of {n}, score {p.score:.3f}",
                                      f"{int(p.signals['inquiries'])} inquiries, {int(p.signals['orders'])} orders"]})
        return rows

    def _similarity(self) -> int:
        rows = similarity.similar_customers(self.db, self.engine)
        self.db.run_autocommit(queries.algorithms.clear_similarity)
        method = "fastrp_knn" if self.engine == "gds" else "jaccard"
        return self.db.write_batches(queries.algorithms.write_similarity, rows, CHUNK, now=self.now,
                                     source=f"{method}:{self.engine}")


def refresh(db: Database, *, only: Iterable[str] | None = None, customers: Sequence[str] | None = None,
            engine: str = "auto", as_of: str | None = None, observer: Observer | None = None) -> RefreshResult:
    """Refresh every tag family (or ``only`` some), for everyone (or just ``customers``)."""
    return Refresher(db, engine=engine, as_of=as_of, observer=observer).run(only, customers)


