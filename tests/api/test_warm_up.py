"""The warm-up that plans the API's statements on a server just started: it runs the real paths and
changes nothing (graph.warmup)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from ckg.gql.app import create_app
from ckg.graph import events, warmup
from ckg.graph.db import Database
from ckg.graph.queries import Query
from ckg.graph.settings import Settings
from ckg.graph.tags.refresh import rehearse_incremental

SNAPSHOT = Query("test/snapshot", """
    MATCH (c:Customer {customerId: $id})
    RETURN properties(c) AS props,
           COLLECT { MATCH (c)-[r]-(o) RETURN [type(r), elementId(o), properties(r)] AS rel } AS rels
""")  # type: ignore[arg-type]


def snapshot(db: Database, customer: str) -> tuple[dict[str, Any], list[str]]:
    row = db.read(SNAPSHOT, id=customer)[0]
    return row["props"], sorted(map(str, row["rels"]))


def test_a_rehearsed_record_events_runs_every_statement_and_changes_nothing(
        session_db: Database, api_data: Path) -> None:
    on = warmup.subjects(session_db)
    assert on is not None and on.sku is not None
    before = snapshot(session_db, on.customer)
    warmup.rehearse_writes(session_db, on)
    assert snapshot(session_db, on.customer) == before
    rehearsed = rehearse_incremental(session_db, on.customer)
    assert rehearsed.stages and sum(s.rows for s in rehearsed.stages) > 0  # it derived this customer's tags
    assert snapshot(session_db, on.customer) == before
    # the snapshot does see a real write: the same events, not rehearsed, add relationships
    at = datetime.now(UTC).isoformat()
    done = events.record(session_db, [events.Event("test-warm-up-real", on.customer, "view", at, sku=on.sku)])
    try:
        assert done.stored == 1 and snapshot(session_db, on.customer) != before
    finally:
        session_db.write(Query("test/undo", "MATCH ()-[r:VIEWED {eventId: 'test-warm-up-real'}]->() DELETE r"))  # type: ignore[arg-type]


def test_the_api_warms_up_before_serving(
        settings: Settings, api_data: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="ckg.api"), TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
    assert any("warm-up of Neo4j's plans:" in r.getMessage() for r in caplog.records)
