"""The evaluation: the catalogue's high_value (top 5% of persons by 12-month net spend), and one
coverage convention for every metric (value over the customers whose consent permits the family,
coverage of those, and the permitted share printed beside it)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ckg.graph.queries import Query
from ckg.graph.tags.catalogue import family
from ckg.loaders.evaluation import (
    adjusted_rand_index,
    as_json,
    evaluate,
    grouping_metrics,
    ranking_metric,
    top_spenders,
    yes_no_metric,
)
from ckg.loaders.format import HEADERS


def _write(path: Path, name: str, rows: list[dict[str, str]]) -> None:
    with open(path / name, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, HEADERS[name], restval="")
        w.writeheader()
        w.writerows(rows)


def test_top_spenders_are_persons_by_net_spend_over_the_year_to_the_data_end(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"generator": {"asOf": "2026-10-31T23:59:00Z"}}))
    customers = [{"customerId": f"c{i:02d}", "registeredAt": "2025-01-01T00:00:00Z"} for i in range(40)]
    customers.append({"customerId": "late", "registeredAt": "2026-11-15T00:00:00Z"})  # after the end: not counted
    _write(tmp_path, "customers.csv", customers)
    orders = [{"orderId": f"o{i}", "customerId": f"c{i:02d}", "placedAt": "2026-06-01T00:00:00Z",
               "totalUsd": "10", "status": "delivered"} for i in range(20)]  # half spent 10, half nothing
    extra = [("a1", "c30", "2026-06-01", "60", "delivered"), ("a2", "c31", "2026-06-01", "40", "delivered"),
             # c32 and c33 are one person: 30 + 30 together beat c31
             ("a3", "c32", "2026-06-01", "30", "delivered"), ("a4", "c33", "2026-07-01", "30", "delivered"),
             # returned, cancelled or older than a year: not spend
             ("a5", "c34", "2026-06-01", "500", "returned"), ("a6", "c35", "2026-06-01", "500", "cancelled"),
             ("a7", "c36", "2025-10-01", "500", "delivered")]
    orders += [{"orderId": o, "customerId": c, "placedAt": f"{day}T00:00:00Z", "totalUsd": usd, "status": status}
               for o, c, day, usd, status in extra]
    _write(tmp_path, "orders.csv", orders)
    # 39 persons: the top 5% are the two biggest spenders
    assert top_spenders(tmp_path, {"c33": "c32"}) == {"c30", "c32"}
    # every record its own person: 40 persons, c31 is now second
    assert top_spenders(tmp_path, {}) == {"c30", "c31"}


# --- one coverage convention: value over the permitted, coverage of the permitted, permitted printed


def test_yes_no_refusals_are_out_of_permitted_never_covered_or_uncovered() -> None:
    actual = {"a", "b", "c", "d"}  # planted positives; c and d refused the family
    permitted = {"a", "b", "x", "y"}
    # c holds the tag although it refused (a leak): it must not count, nor make c covered
    m = yes_no_metric("t", {"a", "x", "c"}, actual, permitted, decided=permitted)
    assert m.permitted == 0.5  # 2 of the 4 positives permit the family
    assert m.coverage == 1.0  # both permitted positives got an answer; the refusals are not "uncovered"
    assert m.value == 0.5  # over the permitted: tagged {a, x} against {a, b}: precision 1/2, recall 1/2
    assert m.n == 4
    assert m.as_json()["permitted"] == 0.5 and m.as_json()["coverage"] == 1.0
    # a family that gave no answer (did not run) covers nobody, whatever the consents say
    idle = yes_no_metric("t", set(), actual, permitted, decided=set())
    assert (idle.coverage, idle.permitted, idle.value) == (0.0, 0.5, 0.0)
    # answers for refusing customers only (a family ignoring consent) cover none of the permitted
    wrong = yes_no_metric("t", {"c", "d"}, actual, permitted, decided={"c", "d"})
    assert (wrong.coverage, wrong.permitted, wrong.value) == (0.0, 0.5, 0.0)


def test_grouping_is_scored_over_the_permitted_members() -> None:
    truth = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "2"}
    permitted = {"a", "b", "c", "d"}  # e refused
    found = {"a": "X", "b": "X", "c": "Y", "e": "Z"}  # d in no group, e grouped although it refused
    ari, nmi = grouping_metrics(["social_ari", "social_nmi"], truth, found, permitted)
    assert ari.permitted == 0.8 and nmi.permitted == 0.8
    assert ari.coverage == 0.75  # d uncovered; e neither covered nor counted
    assert ari.value == adjusted_rand_index(["1", "1", "2", "2"], ["X", "X", "Y", "none-d"])
    assert ari.n == 4
    assert ari.target == 0.9 and nmi.target is None


def test_ranking_is_scored_over_the_permitted_with_unscored_last() -> None:
    bought = {"a": 1.0, "b": 0.0, "c": 2.0, "d": 0.0}  # d refused
    m = ranking_metric("propensity_auc", bought, {"a": 0.9, "b": 0.1, "d": 5.0}, {"a", "b", "c"})
    assert m.permitted == 0.75
    assert m.coverage == 2 / 3  # c permitted, not scored
    assert m.value == 0.5  # a above b, unscored c below b; d's score is not read
    s = ranking_metric("b2b_spearman", {"e1": 1.0, "e2": 2.0, "e3": 3.0}, {"e1": 0.1, "e2": 0.2, "e3": 0.3},
                       {"e1", "e2", "e3"}, measure="spearman")
    assert s.value == pytest.approx(1.0) and (s.coverage, s.permitted) == (1.0, 1.0)


class _Graph:
    """A stand-in for the database: what each evaluation query returns for a tiny graph."""

    def __init__(self, uses: dict[str, list[str] | None], tags: dict[str, dict[str, str]]) -> None:
        self.uses, self.tags = uses, tags

    def read(self, query: Query, **params: object) -> list[dict[str, object]]:
        verb = query.name.split("/")[1]
        if verb == "stream_consenting":
            default = params["defaultUses"]
            return [{"id": c} for c, uses in self.uses.items() if params["purpose"] in (uses or default)]  # type: ignore[operator]
        if verb == "stream_top_tag":
            return [{"id": c, "tag": t} for c, t in self.tags.get(str(params["family"]), {}).items()]
        if verb == "stream_propensity":
            return [{"id": c, "pAlive": 0.5, "expected90d": 1.0 if c == "p1" else 0.1} for c in ("p1", "p2")]
        return []


def test_evaluate_takes_each_familys_consent_from_the_catalogue(tmp_path: Path) -> None:
    truth = tmp_path / "truth"
    truth.mkdir()
    files = {"communities.csv": "customerId,community\n", "preference_groups.csv": "customerId,group\n",
             "duplicates.csv": "customerId,duplicateOf\n", "shopping_gender.csv": "customerId\n",
             "enterprise_potential.csv": "enterpriseId,potential\n",
             "high_value.csv": "customerId\nh1\nh2\nh3\n", "life_stage.csv": "customerId\nh1\nh2\nh3\n",
             "customer_params.csv": "customerId,lambdaPerWeek,dropoutP,aliveAtEnd,purchasesNextPeriod\n"
                                    "p1,0.1,0.1,1,2\np2,0.1,0.1,0,0\np3,0.1,0.1,1,1\n"}
    for name, text in files.items():
        (truth / name).write_text(text)
    _write(tmp_path, "customers.csv", [{"customerId": c, "registeredAt": "2025-01-01T00:00:00Z"}
                                       for c in ("h1", "h2", "h3", "p1", "p2", "p3")])
    _write(tmp_path, "orders.csv", [])
    (tmp_path / "manifest.json").write_text(json.dumps({"generator": {"asOf": "2026-10-31T23:59:00Z"}}))
    profiling = ["registered", "profiling", "marketing"]
    sensitive = ["registered", "profiling", "sensitive_inference", "marketing"]
    graph = _Graph({"h1": sensitive, "h2": profiling, "h3": ["registered"], "p1": None, "p2": profiling,
                    "p3": ["registered", "marketing"]},
                   {"high_value": {"h1": "high_value"}, "life_stage": {"h1": "life_stage:expecting_parent"}})
    got = {m.name: m for m in evaluate(graph, tmp_path)}  # type: ignore[arg-type]
    # high_value needs profiling (h1, h2 of the three), life_stage sensitive inference (h1 only)
    assert family("high_value").basis == "profiling" and family("life_stage").basis == "sensitive_inference"
    assert got["high_value_f1"].permitted == 2 / 3 and got["high_value_f1"].coverage == 1.0
    assert got["high_value_f1"].value == 2 / 3  # h1 found, h2 missed
    assert got["life_stage_f1"].permitted == 1 / 3 and got["life_stage_f1"].coverage == 1.0
    assert got["life_stage_f1"].value == 1.0
    # propensity needs profiling: p1 (no consent record: the defaults) and p2, not p3 (refused)
    auc = got["propensity_auc"]
    assert auc.permitted == 2 / 3 and auc.coverage == 1.0 and auc.value == 1.0 and auc.n == 2
    assert set(as_json(list(got.values()))["propensity_auc"]) == {"value", "coverage", "permitted", "n", "target"}
