"""Saved Browser queries are single statements that only read."""

from __future__ import annotations

from ckg.graph.queries import queries


def test_explore_queries_are_read_only() -> None:
    saved = list(queries.explore)
    assert len(saved) >= 4
    for q in saved:
        upper = q.text.upper()
        assert not any(w in upper.split() for w in ("CREATE", "MERGE", "DELETE", "SET", "REMOVE")), q.name
