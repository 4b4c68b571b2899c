"""The synthetic generator: deterministic per seed, truth consistent with the data."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from ckg.loaders.generator import generate


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "d"
    generate(3000, 3, out)
    return out


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(300, 42, a)
    generate(300, 42, b)
    generate(300, 43, c)
    names = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "orders.csv").read_bytes() != (c / "orders.csv").read_bytes()


def test_manifest_counts_match_files(dataset: Path) -> None:
    m = json.loads((dataset / "manifest.json").read_text())
    assert m["nodes"]["Customer"] == len(read(dataset / "customers.csv"))
    assert m["nodes"]["Order"] == len(read(dataset / "orders.csv"))
    assert m["relationships"]["CONTAINS"] == len(read(dataset / "order_items.csv"))
    assert m["nodes"]["Category"] == len(read(dataset / "categories.csv"))


def test_category_tree_has_three_levels_and_100_leaves(dataset: Path) -> None:
    cats = read(dataset / "categories.csv")
    parents = {c["parentId"] for c in cats if c["parentId"]}
    leaves = [c for c in cats if c["categoryId"] not in parents]
    depth = {c["categoryId"]: c["parentId"] for c in cats}

    def level(cid: str) -> int:
        return 1 if not depth[cid] else 1 + level(depth[cid])

    assert len(leaves) >= 100
    assert max(level(c["categoryId"]) for c in cats) >= 3


def test_duplicates_share_exactly_the_stated_identifier(dataset: Path) -> None:
    customers = {c["customerId"]: c for c in read(dataset / "customers.csv")}
    dups = read(dataset / "truth" / "duplicates.csv")
    assert len(dups) > 20
    column = {"email": "email", "phone": "phone", "device": "deviceId"}
    for d in dups:
        a, b = customers[d["customerId"]], customers[d["duplicateOf"]]
        for kind, col in column.items():
            assert (a[col] == b[col]) == (kind == d["sharedBy"]), (d, col)
    # no identifier is shared by accident
    for col in column.values():
        counts = Counter(c[col] for c in customers.values())
        assert max(counts.values()) <= 2


def test_social_edges_mostly_stay_inside_planted_communities(dataset: Path) -> None:
    community = {r["customerId"]: r["community"] for r in read(dataset / "truth" / "communities.csv")}
    sharer = {s["shareId"]: s["customerId"] for s in read(dataset / "shares.csv")}
    edges = [(sharer[r["shareId"]], r["customerId"]) for r in read(dataset / "share_reaches.csv")]
    edges += [(r["referrerId"], r["refereeId"]) for r in read(dataset / "referrals.csv")]
    inside = sum(community[a] == community[b] for a, b in edges)
    assert inside / len(edges) > 0.95


def test_high_value_customers_spend_more(dataset: Path) -> None:
    high = {r["customerId"] for r in read(dataset / "truth" / "high_value.csv")}
    spend: Counter[str] = Counter()
    for o in read(dataset / "orders.csv"):
        if o["customerId"]:
            spend[o["customerId"]] += float(o["totalUsd"])
    buyers = [c["customerId"] for c in read(dataset / "customers.csv")]
    mean_high = sum(spend[c] for c in high) / len(high)
    mean_rest = sum(spend[c] for c in buyers if c not in high) / (len(buyers) - len(high))
    assert mean_high > 3 * mean_rest


def test_life_stage_shoppers_bought_prenatal_items(dataset: Path) -> None:
    life = {r["customerId"] for r in read(dataset / "truth" / "life_stage.csv")}
    cats = {c["categoryId"]: c["name"] for c in read(dataset / "categories.csv")}
    leaf = {p["sku"]: cats[p["categoryId"]] for p in read(dataset / "products.csv")}
    buyer = {o["orderId"]: o["customerId"] for o in read(dataset / "orders.csv")}
    prenatal = {buyer[i["orderId"]] for i in read(dataset / "order_items.csv")
                if leaf[i["sku"]] == "Maternity Prenatal Vitamins"}
    assert len(life) > 30
    assert len(life & prenatal) / len(life) > 0.8
