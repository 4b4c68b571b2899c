"""Which derived tag rows the refresh sends to the writer: only those that may differ from what is held."""

from __future__ import annotations

from ckg.graph.tags.refresh import _unchanged

ROW = {"id": "c1", "tag": "device:mobile", "weight": 0.5, "confidence": 1.0, "evidence": ["device = mobile"]}
HELD = [0.5, 1.0, ["device = mobile"], "cypher:tags/derive_customer_attributes", True]
SOURCE = "cypher:tags/derive_customer_attributes"


def test_a_held_tag_with_the_same_values_is_not_sent() -> None:
    assert _unchanged(HELD, ROW, SOURCE)
    assert _unchanged([0.5 + 1e-12, *HELD[1:]], ROW, SOURCE)  # the writer's own tolerance


def test_a_new_or_different_tag_is_sent() -> None:
    assert not _unchanged(None, ROW, SOURCE)
    assert not _unchanged([0.6, *HELD[1:]], ROW, SOURCE)
    assert not _unchanged([0.5, 0.9, *HELD[2:]], ROW, SOURCE)
    assert not _unchanged([0.5, 1.0, ["device = tablet"], *HELD[3:]], ROW, SOURCE)
    assert not _unchanged(HELD, ROW, "algorithm:other")


def test_a_tag_without_its_version_start_or_a_weight_is_sent_for_the_writer_to_decide() -> None:
    assert not _unchanged([*HELD[:4], False], ROW, SOURCE)  # since or sinceWeight missing
    assert not _unchanged([None, *HELD[1:]], ROW, SOURCE)
