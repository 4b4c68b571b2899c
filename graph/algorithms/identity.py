"""Identity resolution: weakly connected components over shared email, phone or device."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from ckg.graph.algorithms.engine import Engine
from ckg.graph.algorithms.gds import projected
from ckg.graph.db import Database
from ckg.graph.queries import queries


def identity_edges(db: Database, ids: list[str] | None = None) -> list[tuple[str, str, str]]:
    """Pairs of records sharing an identifier (and which): everyone's, or only among ``ids``."""
    return [(r["source"], r["target"], r["via"]) for r in db.read(queries.algorithms.stream_identity_edges, ids=ids)]


def components(db: Database, engine: Engine, ids: list[str] | None = None) -> dict[str, list[str]]:
    """Canonical record (smallest id) -> all records of that person, for persons with 2+ records.

    ``ids`` regroups only those records (after an erasure), always with networkx: they are few.
    """
    member_of: dict[str, int | str] = {}
    if engine == "gds" and ids is None:
        with projected(db, queries.algorithms.project_identity, ids=None) as name:
            member_of = {r["id"]: int(r["component"]) for r in db.read(queries.algorithms.stream_wcc, graph=name)}
    else:
        g = nx.Graph()
        g.add_edges_from((a, b) for a, b, _ in identity_edges(db, ids))
        for i, comp in enumerate(nx.connected_components(g)):
            member_of.update({node: i for node in comp})
    groups: dict[int | str, list[str]] = defaultdict(list)
    for node, comp in member_of.items():
        groups[comp].append(node)
    return {min(m): sorted(m) for m in groups.values() if len(m) > 1}
