"""The tag catalogue validates itself; evaluation maths is right."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ckg.graph.tags.catalogue import FAMILIES, CatalogueError, family_of, validate
from ckg.graph.tags.docs import catalogue_markdown
from ckg.loaders.evaluation import adjusted_rand_index, normalized_mutual_info, precision_recall, spearman


def test_shipped_catalogue_is_valid_and_covers_every_dimension() -> None:
    validate(FAMILIES)
    dims = {f.dimension for f in FAMILIES}
    assert {"basic", "behaviour", "content_preference", "transaction", "evaluation", "social"} <= dims
    assert "purchasing_potential" in dims
    assert any(f.sensitive for f in FAMILIES)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dimension": "astrology"}, "unknown dimension"),
        ({"derivation": "cypher:derive_nothing_here"}, "missing cypher/tags/derive_nothing_here.cypher"),
        ({"derivation": "algorithm:tarot"}, "unknown algorithm"),
        ({"derivation": "magic"}, "derivation must be"),
        ({"name": "Bad Name"}, "lower_snake_case"),
        ({"description": ""}, "required"),
    ],
)
def test_broken_family_fails_fast(change: dict[str, str], message: str) -> None:
    broken = replace(FAMILIES[0], **change)  # type: ignore[arg-type]
    with pytest.raises(CatalogueError, match=message):
        validate((broken, *FAMILIES[1:]))


def test_duplicate_family_name_fails() -> None:
    with pytest.raises(CatalogueError, match="declared twice"):
        validate((FAMILIES[0], FAMILIES[0]))


def test_b2b_family_on_b2c_dimension_fails() -> None:
    with pytest.raises(CatalogueError, match="not a Enterprise dimension"):
        validate((replace(FAMILIES[0], applies_to="Enterprise"),))


def test_tag_names_map_back_to_families() -> None:
    assert family_of("interest:Toys & Games > Puzzles Eco").name == "interest"
    assert family_of("high_value").name == "high_value"


def test_generated_docs_are_current() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "tags.md"
    assert docs.read_text() == catalogue_markdown(), "run `ckg tags docs docs/tags.md`"


def test_ari_and_nmi_known_values() -> None:
    assert adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7]) == pytest.approx(1.0)
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    assert normalized_mutual_info([0, 0, 1, 1], [1, 1, 0, 0]) == pytest.approx(1.0)
    assert normalized_mutual_info([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(0.0)


def test_precision_recall_and_spearman() -> None:
    assert precision_recall({1, 2, 3, 4}, {3, 4, 5}) == pytest.approx((0.5, 2 / 3, 4 / 7))
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
