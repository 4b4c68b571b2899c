"""Loading into the real Neo4j: exact counts, idempotency, increments, bad rows, crash safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ckg.graph.counts import graph_counts
from ckg.graph.db import Database
from ckg.graph.queries import Query
from ckg.graph.settings import Settings
from ckg.loaders.format import HEADERS
from ckg.loaders.generator import generate
from ckg.loaders.load import load_dataset
from tests.dataset_builder import GOOD, build, customer, open_quote, write_csv


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


def manifest_counts(directory: Path) -> dict[str, dict[str, int]]:
    m = json.loads((directory / "manifest.json").read_text())
    return {"nodes": m["nodes"], "relationships": m["relationships"]}


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "small"
    generate(400, 11, out)
    return out


def test_counts_after_load_equal_manifest(db: Database, small_dataset: Path) -> None:
    report = load_dataset(db, small_dataset, batch_size=700)
    assert report.ok, [str(e) for e in report.errors + report.file_errors]
    assert graph_counts(db) == manifest_counts(small_dataset)


def test_second_load_changes_nothing(db: Database, small_dataset: Path) -> None:
    load_dataset(db, small_dataset)
    first = graph_counts(db)
    props = db.read(q("MATCH (o:Order) RETURN sum(o.totalUsd) AS s, count(o) AS n"))
    load_dataset(db, small_dataset, batch_size=333)
    assert graph_counts(db) == first
    assert db.read(q("MATCH (o:Order) RETURN sum(o.totalUsd) AS s, count(o) AS n")) == props


def test_new_rows_add_without_duplicating(db: Database, tmp_path: Path) -> None:
    base = build(tmp_path / "base")
    load_dataset(db, base)
    delta = tmp_path / "delta"
    delta.mkdir()
    write_csv(delta / "orders.csv", HEADERS["orders.csv"], [
        ["o1", "c1", "", "2025-03-01T12:00:00Z", "25.00", "BRL", "5.00", "organic", "delivered", "", "false", ""],
        ["o2", "c2", "", "2025-04-01T12:00:00Z", "10.00", "USD", "10.00", "", "delivered", "", "true", ""],
    ])
    write_csv(delta / "order_items.csv", HEADERS["order_items.csv"], [["o2", "sku-1", "1", "10.00"]])
    (delta / "events.jsonl").write_text(json.dumps(
        {"eventId": "e1", "customerId": "c2", "type": "cart", "at": "2025-04-01T11:00:00Z", "sku": "sku-1"}) + "\n")
    for _ in range(2):
        report = load_dataset(db, delta)
        assert report.ok, [str(e) for e in report.errors]
    counts = graph_counts(db)
    assert counts["nodes"]["Order"] == 2
    assert counts["relationships"]["PLACED"] == 2
    assert counts["relationships"]["CONTAINS"] == 2
    assert counts["relationships"]["ADDED_TO_CART"] == 1


def test_reference_to_entity_missing_from_dataset_and_graph(db: Database, tmp_path: Path) -> None:
    delta = tmp_path / "delta"
    delta.mkdir()
    write_csv(delta / "orders.csv", HEADERS["orders.csv"], [
        ["o9", "ghost", "", "2025-03-01T12:00:00Z", "1", "USD", "1", "", "delivered", "", "false", ""]])
    report = load_dataset(db, delta)
    assert not report.ok
    err = report.errors[0]
    assert (err.file, err.line, err.field, err.value) == ("orders.csv", 2, "customerId", "ghost")
    assert graph_counts(db)["nodes"].get("Order") is None


HOSTILE = [
    "Robert'); MATCH (n) DETACH DELETE n; //",
    'Quote " and back`tick` and \\backslash',
    "}) MERGE (x:Pwned) WITH x MATCH (n",
    "\u202eRTL override and \u200f mark",
    "${injection} {{template}} $rows",
    "名前 with emoji 🎉",
]


def test_hostile_strings_are_stored_verbatim_and_never_executed(db: Database, tmp_path: Path) -> None:
    rows = [customer(f"h{i}", name=s, city=s, occupation=s) for i, s in enumerate(HOSTILE)]
    report = load_dataset(db, build(tmp_path, {"customers.csv": rows}))
    assert report.ok, [str(e) for e in report.errors]
    stored = db.read(q("MATCH (c:Customer) WHERE c.customerId STARTS WITH 'h' "
                       "RETURN c.customerId AS id, c.name AS name, c.city AS city ORDER BY id"))
    assert [r["name"] for r in stored] == HOSTILE
    assert [r["city"] for r in stored] == HOSTILE
    assert graph_counts(db)["nodes"].get("Pwned") is None
    assert graph_counts(db)["nodes"]["Customer"] == 2 + len(HOSTILE)


def test_bad_rows_leave_good_rows_loaded_and_graph_consistent(db: Database, tmp_path: Path) -> None:
    data = build(tmp_path, {
        "customers.csv": [customer("c3", country="XX"), customer("c4"), customer("c1")],
        "order_items.csv": [["o1", "sku-404", "1", "1.00"]],
    })
    report = load_dataset(db, data, quarantine=tmp_path / "q.jsonl")
    assert report.rejected == 3
    ids = [r["id"] for r in db.read(q("MATCH (c:Customer) RETURN c.customerId AS id ORDER BY id"))]
    assert ids == ["c1", "c2", "c4"]
    # the dangling order item created nothing, not even a half relationship
    assert db.read(q("MATCH (:Order)-[r:CONTAINS]->() RETURN count(r) AS n"))[0]["n"] == 1
    assert len((tmp_path / "q.jsonl").read_text().splitlines()) == 3


def test_unclosed_quote_costs_one_row_and_every_other_customer_loads(db: Database, tmp_path: Path) -> None:
    # every fourth name holds a comma, so csv quotes it: an open quote must not pair with those
    rows = [customer(f"c{i}", name=f"Lee, Ben {i}" if i % 4 == 0 else f"Ana {i}") for i in range(3, 61)]
    orders = [[f"o{i}", f"c{i}", "", "2025-03-01T12:00:00Z", "1", "USD", "1", "", "paid", "", "false", ""]
              for i in range(31, 61)]
    data = build(tmp_path / "d", {"customers.csv": rows, "orders.csv": orders})
    broken = open_quote(data / "customers.csv", 31)  # c30's line, the header being line 1
    report = load_dataset(db, data, quarantine=tmp_path / "q.jsonl")
    data_lines = len((data / "customers.csv").read_bytes().splitlines()) - 1
    stats = report.files["customers.csv"]
    assert (stats.read, stats.loaded, stats.rejected) == (data_lines, data_lines - 1, 1)
    assert report.rejected == 1, [str(e) for e in report.errors]
    err = report.errors[0]
    assert (err.file, err.line, err.reason) == ("customers.csv", 31, "unclosed quote")
    ids = {r["id"] for r in db.read(q("MATCH (c:Customer) RETURN c.customerId AS id"))}
    assert ids == {f"c{i}" for i in range(1, 61)} - {"c30"}
    assert report.files["orders.csv"].loaded == 1 + len(orders)  # nothing after the quote is lost
    [entry] = [json.loads(line) for line in (tmp_path / "q.jsonl").read_text().splitlines()]
    assert (entry["file"], entry["line"], entry["reason"]) == ("customers.csv", 31, "unclosed quote")
    assert entry["value"] == broken  # the row's text ("raw" is null until load.py passes it on)


def test_order_in_the_future_is_rejected_and_every_other_row_loads(db: Database, tmp_path: Path) -> None:
    data = build(tmp_path / "d", {"orders.csv": [
        ["o2", "c2", "", "2199-01-01T00:00:00Z", "10.00", "USD", "10.00", "", "delivered", "", "false", ""]]})
    report = load_dataset(db, data, quarantine=tmp_path / "q.jsonl")
    assert report.rejected == 1, [str(e) for e in report.errors]
    err = report.errors[0]
    assert (err.file, err.line, err.field, err.value) == ("orders.csv", 3, "placedAt", "2199-01-01T00:00:00Z")
    assert err.reason == ("timestamp 2199-01-01T00:00:00+00:00 is in the future "
                          "(more than 5 minutes after now)")
    assert report.loaded == sum(len(rows) for rows in GOOD.values())  # every other row
    assert db.read(q("MATCH (o:Order) RETURN collect(o.orderId) AS ids"))[0]["ids"] == ["o1"]
    assert db.read(q("MATCH (:Customer {customerId: 'c2'})-[r:PLACED]->() RETURN count(r) AS n"))[0]["n"] == 0
    entry = json.loads((tmp_path / "q.jsonl").read_text())
    assert (entry["field"], entry["raw"]["orderId"]) == ("placedAt", "o2")


def test_load_killed_part_way_then_rerun_is_exact(db: Database, settings: Settings, tmp_path: Path) -> None:
    data = tmp_path / "big"
    generate(1500, 5, data)
    env = {**os.environ, "CKG_NEO4J_URI": settings.neo4j_uri, "CKG_NEO4J_PASSWORD": settings.password,
           "CKG_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "ckg", "load", str(data), "--batch-size", "200"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if graph_counts(db)["nodes"].get("Order", 0) > 0:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = graph_counts(db)
    assert partial != manifest_counts(data), "the load finished before it could be killed"
    report = load_dataset(db, data)
    assert report.ok
    assert graph_counts(db) == manifest_counts(data)


def test_a_finished_load_supersedes_only_unfinished_loads_of_the_same_files_read_again(db: Database) -> None:
    """An unfinished load stays in the data-quality report until a later load reads again, to the end,
    every file it read, unchanged (loading is idempotent: that load wrote again every row it could have)."""
    from ckg.graph.quality import end_load_start, start_load
    from ckg.graph.queries import queries

    earlier, later = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    customers, orders, products = "/d/customers.csv:10:1", "/d/orders.csv:20:1", "/d/products.csv:5:1"

    def start(files: list[str], at: datetime) -> str:
        return start_load(db, "d", [f.split(":")[0].rsplit("/", 1)[1] for f in files], at=at, versions=files)

    same = start([customers, orders], earlier)
    other_content = start([customers, "/d/orders.csv:20:2"], earlier)  # orders.csv replaced since
    other_folder = start(["/e/orders.csv:20:1"], earlier)  # another dataset with the same folder name
    more_files = start([customers, "/d/events.jsonl:7:1"], earlier)
    after = start([orders], later + timedelta(hours=1))  # started after the one that ends
    done = start([customers, orders, products], later)
    end_load_start(db, done)
    left = {r["loadId"] for r in db.read(queries.quality.list_unfinished_loads)}
    assert left == {other_content, other_folder, more_files, after}
    assert same not in left

    # a load that stopped early (too many rejects) did not read its files to the end: it supersedes nothing
    stopped = start([orders], later + timedelta(hours=2))
    end_load_start(db, stopped, supersede=False)
    assert {r["loadId"] for r in db.read(queries.quality.list_unfinished_loads)} == left
