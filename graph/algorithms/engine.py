"""Which engine runs graph algorithms: GDS when the server has it, networkx otherwise."""

from __future__ import annotations

import logging
from typing import Literal

from ckg.graph.db import Database

Engine = Literal["gds", "networkx"]
log = logging.getLogger("ckg.algorithms")

#: Above this many relationships, networkx (in this process's memory) is not a sensible fallback.
NETWORKX_LIMIT = 2_000_000


def choose(db: Database, wanted: str = "auto") -> Engine:
    """``auto`` picks GDS when installed; asking for GDS without it falls back with a warning."""
    if wanted not in ("auto", "gds", "networkx"):
        raise ValueError(f"unknown engine {wanted!r}: use auto, gds or networkx")
    if wanted == "networkx":
        return "networkx"
    if db.has_gds():
        return "gds"
    log.warning("Graph Data Science is not installed on %s: using networkx, which suits small graphs "
                "only (up to ~%d relationships)", db.settings.neo4j_uri, NETWORKX_LIMIT)
    return "networkx"
