"""The saved Browser queries run against a loaded, tagged graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from ckg.graph.db import Database
from ckg.graph.queries import queries


@pytest.mark.usefixtures("api_data")
def test_saved_explore_queries_run(session_db: Database) -> None:
    params = {"id": "c0000001", "sku": "sku-000001"}
    results = {q.name: session_db.read(q, **params) for q in queries.explore}
    assert results["explore/customer_portrait"]
    assert results["explore/tag_distribution_by_dimension"]
    assert results["explore/top_b2b_potential"][0]["rank"] == 1


@pytest.fixture
def api_data(session_db: Database, tmp_path: Path) -> None:
    from ckg.graph.maintenance import delete_all_data
    from ckg.graph.tags.refresh import refresh
    from ckg.loaders.generator import generate
    from ckg.loaders.load import load_dataset

    generate(300, 4, tmp_path / "d")
    delete_all_data(session_db)
    assert load_dataset(session_db, tmp_path / "d").ok
    refresh(session_db)
