"""Real exports are partial: a full refresh on a dataset missing most files succeeds with both engines.

Each dataset goes through the real load and a full ``refresh``; a family whose inputs are absent is
skipped and named in the refresh's warnings, and families whose inputs are present still tag.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ckg.graph.db import Database
from ckg.graph.queries import Query
from ckg.graph.tags.catalogue import FAMILIES
from ckg.graph.tags.refresh import SIMILARITY, refresh
from ckg.loaders.format import HEADERS
from ckg.loaders.load import load_dataset
from tests.dataset_builder import customer, write_csv

CUSTOMERS = 30


def _customers(directory: Path) -> None:
    write_csv(directory / "customers.csv", HEADERS["customers.csv"],
              [customer(f"c{i}", registeredAt="2024-01-01T00:00:00Z", phone=f"+1555{i:04d}", channelId="")
               for i in range(CUSTOMERS)])


def only_customers_and_orders(directory: Path) -> None:
    """Orders without their items: nothing says what was bought."""
    _customers(directory)
    rows = []
    for i in range(CUSTOMERS):
        for k in range(1 + i % 4):
            rows.append([f"o{i}-{k}", f"c{i}", "", f"2025-0{1 + k}-{10 + i % 15}T12:00:00Z", "20.00", "USD",
                         "20.00", "", "delivered", "", "false", ""])
    write_csv(directory / "orders.csv", HEADERS["orders.csv"], rows)


def only_customers_and_referrals(directory: Path) -> None:
    _customers(directory)
    rows = [[f"c{i}", f"c{(i + 1) % CUSTOMERS}", "2025-02-01T00:00:00Z"] for i in range(CUSTOMERS)]
    write_csv(directory / "referrals.csv", HEADERS["referrals.csv"], rows)


def only_enterprises_and_inquiries(directory: Path) -> None:
    """Enterprises and their inquiries (plus the products they ask about: an inquiry names one)."""
    write_csv(directory / "categories.csv", HEADERS["categories.csv"], [["cat-1", "Tools", ""]])
    write_csv(directory / "products.csv", HEADERS["products.csv"],
              [["sku-1", "Drill", "cat-1", "", "99.00", "USD", "U"]])
    write_csv(directory / "enterprises.csv", HEADERS["enterprises.csv"],
              [[f"e{i}", f"Firm {i}", "US", "retail", str(10 * (i + 1)), "2000", "", ""] for i in range(10)])
    write_csv(directory / "inquiries.csv", HEADERS["inquiries.csv"],
              [[f"q{i}-{k}", f"e{i}", "", "sku-1", str(5 + i), "", "USD", "open", "2025-03-01T00:00:00Z"]
               for i in range(10) for k in range(i % 3 + 1)])


DATASETS: dict[str, Callable[[Path], None]] = {
    "customers+orders": only_customers_and_orders,
    "customers+referrals": only_customers_and_referrals,
    "enterprises+inquiries": only_enterprises_and_inquiries,
}

#: The tag families each dataset feeds: they must run (not be skipped) and tag someone.
FED: dict[str, set[str]] = {
    "customers+orders": {"likely_to_buy_soon", "rfm_segment"},
    "customers+referrals": {"social_community", "influencer", "referral_activity"},
    "enterprises+inquiries": {"purchasing_potential", "enterprise_size"},
}


def _tagged_families(db: Database) -> set[str]:
    rows = db.read(Query("test/partial", "MATCH ()-[:HAS_TAG]->(t:Tag) RETURN DISTINCT t.family AS family"))
    return {r["family"] for r in rows}


def _skipped(warnings: list[str]) -> set[str]:
    """Algorithm families (and the similarity stage) a warning reports as skipped."""
    names = {f.name: (f.name, f.algorithm or "") for f in FAMILIES if f.algorithm}
    names[SIMILARITY] = (SIMILARITY, SIMILARITY)
    return {name for name, aliases in names.items()
            for w in warnings if "skip" in w.lower() and any(a and a in w for a in aliases)}


@pytest.mark.parametrize("engine", ["gds", "networkx"])
@pytest.mark.parametrize("name", list(DATASETS))
def test_full_refresh_on_partial_dataset_skips_absent_inputs(db: Database, tmp_path: Path, name: str,
                                                             engine: str) -> None:
    directory = tmp_path / name
    directory.mkdir()
    DATASETS[name](directory)
    report = load_dataset(db, directory)
    assert report.ok, report.errors[:3]

    result = refresh(db, engine=engine)

    ran = {name for stage in result.stages for name in stage.name.split("+")}  # a stage may run several
    assert ran >= {f.name for f in FAMILIES} | {SIMILARITY}
    assert result.engine == engine
    skipped = _skipped(result.warnings)
    assert FED[name] <= _tagged_families(db), result.warnings
    assert not skipped & FED[name], result.warnings
    # Every algorithm stage whose input this dataset lacks is reported as skipped.
    algorithmic = {f.name for f in FAMILIES if f.algorithm} | {SIMILARITY}
    lacking = algorithmic - FED[name] - ({"duplicate_identity"} if name != "enterprises+inquiries" else set())
    assert skipped >= lacking, result.warnings
