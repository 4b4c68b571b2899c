"""Whole-database maintenance: delete all data (keeping the schema)."""

from __future__ import annotations

from ckg.graph.db import Database
from ckg.graph.queries import queries


def delete_all_data(db: Database) -> int:
    """Delete every relationship, node and in-memory GDS graph in batches; return the node count before."""
    before = int(db.read(queries.admin.count_nodes)[0]["n"])
    db.run_autocommit(queries.admin.delete_all_relationships)
    db.run_autocommit(queries.admin.delete_all_data)
    if db.has_gds():
        db.read(queries.admin.drop_projected_graphs)
    return before
