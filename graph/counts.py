"""Node and relationship counts, as a manifest compares them."""

from __future__ import annotations

from graph.db import Database
from graph.queries import queries


def graph_counts(db: Database) -> dict[str, dict[str, int]]:
    """``{"nodes": {Label: n}, "relationships": {TYPE: n}}`` for non-zero counts."""
    nodes = {r["label"]: r["n"] for r in db.read(queries.report.count_labels) if r["n"]}
    rels = {r["type"]: r["n"] for r in db.read(queries.report.count_relationship_types) if r["n"]}
    return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}
