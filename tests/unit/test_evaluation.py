"""The evaluation's reading of the catalogue's high_value: top 5% of persons by 12-month net spend."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ckg.loaders.evaluation import top_spenders
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
