"""Communities as front-ends read them: size, algorithm, dominant interests and members."""

from __future__ import annotations

from typing import Any

from ckg.graph.db import Database
from ckg.graph.queries import queries


def community_detail(db: Database, community_id: str, first: int) -> dict[str, Any] | None:
    """One community with its first ``first`` members by id; None when there is no such community."""
    rows = db.read(queries.api.get_community, id=community_id, first=first)
    return rows[0] if rows else None
