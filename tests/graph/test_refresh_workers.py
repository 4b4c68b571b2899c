"""A full refresh works on several chunks at once (CKG_REFRESH_WORKERS): the tags are exactly those
of one chunk after another, the chunks' transactions really overlap, and a failing chunk stops the
refresh with its error and leaves a graph the next refresh completes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ckg.graph.db import Database
from ckg.graph.queries import Query
from ckg.graph.settings import Settings
from ckg.graph.tags import refresh as refresh_module
from ckg.graph.tags.refresh import refresh
from ckg.loaders.generator import generate
from ckg.loaders.load import load_dataset

SMALL_CHUNK = 40  # 300 customers: 8 chunks


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


def tags(db: Database) -> list[tuple[Any, ...]]:
    rows = db.read(q("MATCH (s)-[h:HAS_TAG]->(t:Tag) RETURN coalesce(s.customerId, s.enterpriseId) AS id, "
                     "t.name AS tag, h.weight AS w, h.confidence AS c, h.evidence AS e, h.source AS src"))
    return sorted(tuple(r.values()) for r in rows)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh_module, "CHUNK", SMALL_CHUNK)


@pytest.fixture
def loaded(db: Database, tmp_path: Path, small_chunks: None) -> Database:
    generate(300, 8, tmp_path / "d")
    assert load_dataset(db, tmp_path / "d").ok
    return db


@pytest.fixture
def workers4(loaded: Database, settings: Settings) -> Iterator[Database]:
    with Database(settings.model_copy(update={"refresh_workers": 4})) as db:
        yield db


def overlap_counter(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The most write transactions of ``db`` open at once, as a one-element list updated in place."""
    most, now, lock = [0], [0], threading.Lock()
    original = db.write_tx

    def counted(work: Any) -> Any:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        try:
            return original(work)
        finally:
            with lock:
                now[0] -= 1

    monkeypatch.setattr(db, "write_tx", counted)
    return most


def test_chunks_at_once_give_the_tags_of_one_after_another(workers4: Database, settings: Settings,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    most = overlap_counter(workers4, monkeypatch)
    parallel = refresh(workers4, engine="networkx")
    held = tags(workers4)
    assert len(held) > 1000 and most[0] >= 2  # the chunks' transactions did overlap
    assert parallel.tag_writes["relationships_created"] == len(held)
    # the same derivation one chunk after another finds nothing to change, and after a clean
    # start writes exactly the same tags
    with Database(settings.model_copy(update={"refresh_workers": 1})) as one:
        forced = refresh(one, engine="networkx", force=True)
        assert sum(forced.tag_writes.values()) == 0
        one.write(q("MATCH ()-[h:HAS_TAG|HAD_TAG]->() DELETE h"))
        one.write(q("MATCH (r:RefreshState) DETACH DELETE r"))
        sequential = refresh(one, engine="networkx")
        assert tags(one) == held
        assert sequential.tag_writes["relationships_created"] == parallel.tag_writes["relationships_created"]


def test_a_failing_chunk_stops_the_refresh_and_the_next_one_completes(workers4: Database,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls, lock = [0], threading.Lock()
    original = refresh_module.write_tags

    def failing(*args: Any, **kwargs: Any) -> Any:
        with lock:
            calls[0] += 1
            third = calls[0] == 3
        if third:
            raise RuntimeError("chunk failed on purpose")
        return original(*args, **kwargs)

    monkeypatch.setattr(refresh_module, "write_tags", failing)
    with pytest.raises(RuntimeError, match="on purpose"):
        refresh(workers4, engine="networkx")
    assert not [t for t in threading.enumerate() if t.name.startswith("ckg-refresh")]  # no worker left behind
    monkeypatch.setattr(refresh_module, "write_tags", original)
    again = refresh(workers4, engine="networkx")
    first_pass = again.stages[0]
    assert not first_pass.skipped  # its fingerprint was never recorded: it runs again
    held = tags(workers4)
    assert held and again.tag_writes["relationships_created"] > 0
    forced = refresh(workers4, engine="networkx", force=True)
    assert sum(forced.tag_writes.values()) == 0  # what the interrupted and resumed refresh left is complete
