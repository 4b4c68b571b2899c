"""Running GDS procedures: project a named in-memory graph, stream an algorithm, drop the graph."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ckg.graph.db import Database
from ckg.graph.queries import Query, queries


@contextmanager
def projected(db: Database, projection: Query, **params: Any) -> Iterator[str]:
    """Project ``projection`` under a fresh name; the graph is dropped on exit, whatever happens."""
    name = f"ckg-{uuid.uuid4().hex[:12]}"
    db.read(projection, graph=name, **params)
    try:
        yield name
    finally:
        db.read(queries.algorithms.drop_graph, graph=name)
