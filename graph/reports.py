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
