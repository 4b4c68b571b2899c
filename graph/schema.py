"""Constraints and indexes, applied idempotently from ``cypher/schema/``."""

from __future__ import annotations

from ckg.graph.db import Database
from ckg.graph.queries import queries


def apply_schema(db: Database) -> int:
    """Apply every ``cypher/schema/*.cypher`` statement (each idempotent: ``IF NOT EXISTS``, or
    ``IF EXISTS`` for an index that is no longer wanted); return how many."""
    applied = 0
    db.write(queries.admin.rename_duplicate_token_names)  # databases from before names were unique
    for query in queries.schema:
        db.run_autocommit(query)
        applied += 1
    db.run_autocommit(queries.admin.await_indexes)
    return applied


def constraint_names(db: Database) -> set[str]:
    """Names of the constraints present in the database."""
    return {r["name"] for r in db.read(queries.admin.show_constraints)}
