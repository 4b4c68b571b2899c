"""Preference profiles are read a page of products at a time: the sums are exactly those of one
read of everything (the statement as it was before paging, which outgrew a transaction's memory
at a million customers)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ckg.graph.algorithms import preference
from ckg.graph.db import Database
from ckg.graph.queries import Query
from ckg.graph.tags.refresh import data_end
from ckg.loaders.generator import generate
from ckg.loaders.load import load_dataset

ALL_AT_ONCE = """
MATCH (p:Product)-[:IN_CATEGORY]->(:Category)-[:SUBCATEGORY_OF*0..]->(top:Category)
WHERE NOT (top)-[:SUBCATEGORY_OF]->()
WITH p, top
CALL (p) {
  MATCH (c:Customer)-[:PLACED]->(o:Order)-[:CONTAINS]->(p) WHERE o.placedAt <= datetime($now) RETURN c
  UNION ALL
  MATCH (c:Customer)-[v:VIEWED|FAVORITED|ADDED_TO_CART]->(p) WHERE v.at <= datetime($now) RETURN c
}
WITH c, top, count(*) AS n
RETURN c.customerId AS id, top.name AS category, n
"""


@pytest.mark.parametrize("per_page", [7, 100_000])
def test_paged_profiles_sum_to_one_read_of_everything(db: Database, tmp_path: Path, per_page: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    generate(200, 5, tmp_path / "d")
    assert load_dataset(db, tmp_path / "d").ok
    now = data_end(db)
    expected: dict[tuple[str, str], float] = {}
    for r in db.read(Query("test/inline", ALL_AT_ONCE), now=now):  # type: ignore[arg-type]
        expected[(r["id"], r["category"])] = expected.get((r["id"], r["category"]), 0) + r["n"]

    monkeypatch.setattr(preference, "PRODUCTS_PER_PAGE", per_page)
    ids, names, counts = preference.profiles(db, now)
    assert ids == sorted({i for i, _ in expected}) and len(ids) > 100
    found = {(ids[i], names[j]): counts[i, j] for i, j in zip(*np.nonzero(counts), strict=True)}
    assert found == expected
