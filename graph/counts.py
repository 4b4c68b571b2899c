"""Node and relationship counts, as a manifest compares them."""

from __future__ import annotations

from ckg.graph.db import Database
from ckg.graph.queries import queries

#: Labels of ckg's own records about the data, not the data: a manifest does not count them.
BOOKKEEPING = frozenset({"Load", "LoadStart", "RefreshState", "ChangeCounter"})


def graph_counts(db: Database) -> dict[str, dict[str, int]]:
    """``{"nodes": {Label: n}, "relationships": {TYPE: n}}`` for non-zero counts, without :data:`BOOKKEEPING`.

    With APOC the counts come from the count store (milliseconds at any size); without it, one
    scan per label and type.
    """
    if db.read(queries.admin.list_version_functions, names=["apoc.version"]):
        row = db.read(queries.report.count_from_stats)[0]
        nodes, rels = row["labels"], row["relTypesCount"]
    else:
        nodes = {r["label"]: r["n"] for r in db.read(queries.report.count_labels)}
        rels = {r["type"]: r["n"] for r in db.read(queries.report.count_relationship_types)}
    return {"nodes": dict(sorted((k, v) for k, v in nodes.items() if v and k not in BOOKKEEPING)),
            "relationships": dict(sorted((k, v) for k, v in rels.items() if v))}
