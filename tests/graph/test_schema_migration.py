"""Applying the schema to a database from an older ckg: shared token names are renamed first."""

from __future__ import annotations

from ckg.graph.db import Database
from ckg.graph.queries import Query
from ckg.graph.schema import apply_schema, constraint_names


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


def test_tokens_that_shared_a_name_get_unique_names(db: Database) -> None:
    db.run_autocommit(q("DROP CONSTRAINT api_token_name_unique IF EXISTS"))
    try:
        db.write(q("UNWIND range(1, 3) AS i CREATE (:ApiToken {tokenHash: 'h' + toString(i), name: 'demo', "
                   "role: 'admin', createdAt: datetime() + duration({seconds: i})})"))
        apply_schema(db)
        names = [r["name"] for r in db.read(q("MATCH (t:ApiToken) RETURN t.name AS name ORDER BY t.createdAt"))]
        assert names == ["demo", "demo-2", "demo-3"]
        assert "api_token_name_unique" in constraint_names(db)
    finally:
        apply_schema(db)


def test_an_index_no_statement_searches_by_is_dropped(db: Database) -> None:
    """Older databases indexed HAS_TAG.computedAt, which every tag write paid for and nothing read."""
    index = q("SHOW INDEXES YIELD name WHERE name = 'has_tag_computed_at_index' RETURN name")
    db.run_autocommit(q("CREATE INDEX has_tag_computed_at_index IF NOT EXISTS FOR ()-[r:HAS_TAG]-() ON (r.computedAt)"))
    assert db.read(index)
    apply_schema(db)
    assert db.read(index) == []
    apply_schema(db)  # idempotent once it is gone
    assert db.read(index) == []
