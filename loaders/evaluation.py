"""Accuracy of derived tags against a generated dataset's planted truth (``ckg eval DIR``)."""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ckg.graph.db import Database
from ckg.graph.errors import InputError
from ckg.graph.queries import queries
from ckg.graph.ranking import average_ranks


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    target: float | None
    n: int  # how many items the metric was computed over

    @property
    def passed(self) -> bool | None:
        return None if self.target is None else self.value >= self.target


def _comb2(n: int) -> float:
    return n * (n - 1) / 2


def adjusted_rand_index(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """ARI of two labelings of the same items (Hubert and Arabie)."""
    n = len(a)
    if n < 2:
        return 1.0
    pairs = Counter(zip(a, b, strict=True))
    sum_ij = sum(_comb2(v) for v in pairs.values())
    sum_a = sum(_comb2(v) for v in Counter(a).values())
    sum_b = sum(_comb2(v) for v in Counter(b).values())
    expected = sum_a * sum_b / _comb2(n)
    top = (sum_a + sum_b) / 2
    return 1.0 if top == expected else (sum_ij - expected) / (top - expected)


def normalized_mutual_info(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """NMI with the arithmetic-mean normalisation."""
    n = len(a)
    if n == 0:
        return 1.0
    ca, cb, cab = Counter(a), Counter(b), Counter(zip(a, b, strict=True))
    mi = sum(v / n * math.log(v * n / (ca[x] * cb[y])) for (x, y), v in cab.items())
    ha = -sum(v / n * math.log(v / n) for v in ca.values())
    hb = -sum(v / n * math.log(v / n) for v in cb.values())
    return 1.0 if ha + hb == 0 else 2 * mi / (ha + hb)


def precision_recall(predicted: set[Hashable], actual: set[Hashable]) -> tuple[float, float, float]:
    tp = len(predicted & actual)
    p = tp / len(predicted) if predicted else 1.0
    r = tp / len(actual) if actual else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    if len(a) < 2:
        return 0.0
    ra, rb = average_ranks(a), average_ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    sa = math.sqrt(sum((x - ma) ** 2 for x in ra))
    sb = math.sqrt(sum((y - mb) ** 2 for y in rb))
    return cov / (sa * sb) if sa and sb else 0.0


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _pairs(groups: dict[str, list[str]]) -> set[frozenset[str]]:
    return {frozenset((a, b)) for members in groups.values() for i, a in enumerate(members) for b in members[i + 1:]}


def evaluate(db: Database, directory: Path) -> list[Metric]:
    """Compare the graph's tags and communities with ``directory/truth``."""
    truth = directory / "truth"
    if not truth.is_dir():
        raise InputError(f"{truth} does not exist: evaluate a dataset made by `ckg generate`")
    metrics: list[Metric] = []

    # social communities
    true_comm = {r["customerId"]: r["community"] for r in _read(truth / "communities.csv")}
    found = {r["id"]: r["community"] for r in db.read(queries.evaluation.stream_memberships, kind="social")}
    ids = sorted(true_comm)
    pred = [found.get(i, f"none-{i}") for i in ids]
    act = [true_comm[i] for i in ids]
    metrics.append(Metric("social communities ARI", adjusted_rand_index(act, pred), 0.9, len(ids)))
    metrics.append(Metric("social communities NMI", normalized_mutual_info(act, pred), None, len(ids)))

    # preference groups
    true_pref = {r["customerId"]: r["group"] for r in _read(truth / "preference_groups.csv")}
    tagged = {r["id"]: r["tag"] for r in db.read(queries.evaluation.stream_top_tag, family="preference_cluster")}
    common = sorted(set(true_pref) & set(tagged))
    metrics.append(Metric("preference groups ARI", adjusted_rand_index([true_pref[i] for i in common],
                                                                    [tagged[i] for i in common]), None, len(common)))

    # identity resolution (pairs of records of the same person)
    true_groups: dict[str, list[str]] = defaultdict(list)
    for r in _read(truth / "duplicates.csv"):
        true_groups[r["duplicateOf"]].append(r["customerId"])
    true_pairs = _pairs({k: [k, *v] for k, v in true_groups.items()})
    links = db.read(queries.evaluation.stream_identity_links)
    pred_groups: dict[str, list[str]] = defaultdict(list)
    for r in links:
        pred_groups[r["canonical"]].append(r["id"])
    pred_pairs = _pairs({k: [k, *v] for k, v in pred_groups.items()})
    p, r_, f1 = precision_recall(pred_pairs, true_pairs)  # type: ignore[arg-type]
    metrics += [Metric("identity precision", p, None, len(pred_pairs)),
                Metric("identity recall", r_, None, len(true_pairs)),
                Metric("identity F1", f1, 0.95, len(true_pairs))]

    # tag sets
    for label, family, file in (("high-value", "high_value", "high_value.csv"),
                                ("life-stage", "life_stage", "life_stage.csv")):
        actual = {r["customerId"] for r in _read(truth / file)}
        predicted = {r["id"] for r in db.read(queries.evaluation.stream_top_tag, family=family)}
        if family == "life_stage":  # only consenting customers can be tagged: measure among them
            consenting = {r["id"] for r in db.read(queries.evaluation.stream_consenting, purpose="sensitive_inference")}
            actual &= consenting
        p, r_, _ = precision_recall(predicted, actual)  # type: ignore[arg-type]
        metrics += [Metric(f"{label} precision", p, None, len(predicted)),
                    Metric(f"{label} recall", r_, None, len(actual))]

    # shopping gender that differs from the registered one
    actual_sg = {r["customerId"] for r in _read(truth / "shopping_gender.csv")}
    predicted_sg = {r["id"] for r in db.read(queries.evaluation.stream_gender_mismatch)}
    p, r_, _ = precision_recall(predicted_sg, actual_sg)  # type: ignore[arg-type]
    metrics += [Metric("shopping gender precision", p, None, len(predicted_sg)),
                Metric("shopping gender recall", r_, None, len(actual_sg))]

    # B2B purchasing potential
    true_pot = {r["enterpriseId"]: float(r["potential"]) for r in _read(truth / "enterprise_potential.csv")}
    scores = {r["id"]: float(r["score"]) for r in db.read(queries.evaluation.stream_enterprise_potential)}
    common = sorted(set(true_pot) & set(scores))
    metrics.append(Metric("B2B potential Spearman", spearman([true_pot[i] for i in common],
                                                             [scores[i] for i in common]), None, len(common)))
    return metrics
