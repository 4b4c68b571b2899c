"""Which derived tag rows the refresh sends to the writer: only those that may differ from what is held."""

from __future__ import annotations

import pytest

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


def test_the_data_end_is_read_by_one_request_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every recordEvents asks for the data end (a scan of every order and event), cached a minute:
    when the minute ends, one request reads it again and the others go on with the last value, so a
    busy API does not send the scan many times at once (seen after a Neo4j restart in the soak)."""
    import threading
    import time
    from types import SimpleNamespace

    from ckg.graph.tags import refresh as refresh_module

    calls: list[float] = []

    def slow_data_end(db: object) -> str:
        calls.append(time.monotonic())
        time.sleep(0.3)
        return f"end-{len(calls)}"

    asked: list[str] = []
    db = SimpleNamespace(settings=SimpleNamespace(neo4j_uri="bolt://test-data-end", neo4j_database="x"))

    def ask() -> None:
        asked.append(refresh_module.known_data_end(db))  # type: ignore[arg-type]

    monkeypatch.setattr(refresh_module, "data_end", slow_data_end)
    key = ("bolt://test-data-end", "x")
    monkeypatch.setitem(refresh_module._data_ends, key, (time.monotonic() - 3600, "stale"))
    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert set(asked) <= {"stale", "end-1"} and "end-1" in asked and len(asked) == 8
    monkeypatch.delitem(refresh_module._data_ends, key)  # none known: the first reader is waited for
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 2 and asked[-4:] == ["end-2"] * 4
