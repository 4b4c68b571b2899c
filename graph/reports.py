"""Reports the seeds ask for: channel quality, and demand by country and category for warehouses."""

from __future__ import annotations

from typing import Any

from ckg.graph.db import Database
from ckg.graph.queries import queries
from ckg.graph.tags.refresh import data_end


def channel_quality(db: Database) -> list[dict[str, Any]]:
    return db.read(queries.api.report_channel_quality)


def warehouse_demand(db: Database, days: int = 90, limit: int = 50) -> list[dict[str, Any]]:
    return db.read(queries.api.report_warehouse_demand, now=data_end(db), days=days, limit=limit)


def referral_cascades(db: Database, largest: int = 1) -> dict[str, Any]:
    """Referral fission: cascades counted by (depth, size), and the edges of the ``largest`` biggest trees."""
    rows = db.read(queries.api.report_referral_cascades)
    counts: dict[tuple[int, int], int] = {}
    for r in rows:
        key = (int(r["depth"]), int(r["size"]))
        counts[key] = counts.get(key, 0) + 1
    trees = [{"root": r["root"], "size": r["size"], "depth": r["depth"],
              "edges": db.read(queries.api.report_referral_tree, root=r["root"])} for r in rows[:largest]]
    return {"cascades": [{"depth": d, "size": s, "count": n} for (d, s), n in sorted(counts.items())],
            "trees": trees}
