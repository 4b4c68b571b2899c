"""The bulk first load (`ckg load --mode import`): the same graph, the same rejections as the online
load, and a kill -9 during the import followed by a re-run ends with exactly the manifest's counts.

These tests stop and start a server, so they run their own throwaway Neo4j (ports 17703/17704,
or CKG_TEST_BULK_BOLT_PORT/CKG_TEST_BULK_HTTP_PORT), never the session server.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ckg.graph.counts import graph_counts
from ckg.graph.db import Database
from ckg.graph.maintenance import delete_all_data
from ckg.graph.queries import Query
from ckg.graph.settings import Settings
from ckg.loaders.bulk_import import MARKER
from ckg.loaders.generator import generate
from ckg.loaders.load import load_dataset
from ckg.server import launcher
from tests.dataset_builder import build, customer

BOLT = int(os.environ.get("CKG_TEST_BULK_BOLT_PORT", "17703"))
HTTP = int(os.environ.get("CKG_TEST_BULK_HTTP_PORT", "17704"))
PASSWORD = "ckg-bulk-test-password"
KEYS = ("customerId", "sku", "orderId", "categoryId", "brandId", "channelId", "warehouseId", "consentId",
        "enterpriseId", "contactId", "reviewId", "shareId", "inquiryId", "deviceId", "term")


@dataclass
class BulkServer:
    home: Path
    instance: launcher.Instance
    settings: Settings

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "CKG_HOME": str(self.home), "CKG_NEO4J_URI": self.settings.neo4j_uri,
                "CKG_NEO4J_PASSWORD": PASSWORD, "CKG_NEO4J_HTTP_PORT": str(HTTP),
                "CKG_NEO4J_HEAP": self.instance.heap, "CKG_NEO4J_PAGECACHE": self.instance.pagecache}

    def load(self, directory: Path, *args: str, **popen: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ckg", "load", str(directory), *args], env=self.env,
                              capture_output=True, text=True, check=False, timeout=1500, **popen)

    def db(self) -> Database:
        return Database(self.settings)


@pytest.fixture(scope="module")
def bulk_server() -> Iterator[BulkServer]:
    if launcher.port_open(BOLT) or launcher.port_open(HTTP):
        pytest.fail(f"ports {BOLT}/{HTTP} are taken; set CKG_TEST_BULK_BOLT_PORT/CKG_TEST_BULK_HTTP_PORT")
    home = Path(tempfile.mkdtemp(prefix="ckg-test-bulk-"))
    dist = launcher.link_distribution(launcher.dist_dir(Settings().home), home)
    inst = launcher.Instance(dist=dist, directory=dist / "instance", bolt_port=BOLT, http_port=HTTP,
                             heap="768m", pagecache="256m")
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{BOLT}", neo4j_password=PASSWORD, neo4j_http_port=HTTP,
                        home=home)
    launcher.start(inst, PASSWORD, timeout=900)
    try:
        yield BulkServer(home, inst, settings)
    finally:
        launcher.stop(inst)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def empty_bulk(bulk_server: BulkServer) -> BulkServer:
    launcher.start(bulk_server.instance, PASSWORD, timeout=900)  # a test may leave it stopped
    with bulk_server.db() as db:
        delete_all_data(db)
    return bulk_server


def manifest_counts(directory: Path) -> dict[str, dict[str, int]]:
    m = json.loads((directory / "manifest.json").read_text())
    return {"nodes": m["nodes"], "relationships": m["relationships"]}


def _key(props: dict[str, Any]) -> str:
    return next((str(props[k]) for k in KEYS if k in props), "?")


def fingerprint(db: Database) -> tuple[Counter[str], Counter[str]]:
    """Every node (labels and properties) and relationship (type, ends, properties), as text."""
    nodes = Counter(f"{sorted(r['l'])} {sorted((k, str(v)) for k, v in r['p'].items())}" for r in db.read(
        Query("test/nodes", "MATCH (n) WHERE NOT n:Load RETURN labels(n) AS l, properties(n) AS p")))  # type: ignore[arg-type]
    rels = Counter(f"{r['t']} {_key(r['a'])}->{_key(r['b'])} {sorted((k, str(v)) for k, v in r['r'].items())}"
                   for r in db.read(Query("test/rels", (  # type: ignore[arg-type]
                       "MATCH (a)-[r]->(b) RETURN type(r) AS t, properties(a) AS a, properties(r) AS r, "
                       "properties(b) AS b"))))
    return nodes, rels


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bulk") / "d300"
    generate(300, 23, out)
    return out


def test_bulk_import_builds_the_graph_the_online_load_builds(db: Database, empty_bulk: BulkServer,
                                                            dataset: Path) -> None:
    done = empty_bulk.load(dataset)  # auto: the local server, empty -> import
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Bulk import" in done.stdout
    with empty_bulk.db() as bulk:
        assert graph_counts(bulk) == manifest_counts(dataset)
        imported = fingerprint(bulk)
        indexes = bulk.read(Query("test/idx", "SHOW INDEXES YIELD state WHERE state <> 'ONLINE' "  # type: ignore[arg-type]
                                  "RETURN count(*) AS n"))
        assert indexes[0]["n"] == 0
        constraints = bulk.read(Query("test/c", "SHOW CONSTRAINTS YIELD name RETURN count(*) AS n"))  # type: ignore[arg-type]
        assert constraints[0]["n"] > 0
    report = load_dataset(db, dataset)
    assert report.ok
    online = fingerprint(db)
    assert imported[0] == online[0]
    assert imported[1] == online[1]
    # A second load into the now non-empty database goes online and changes nothing.
    again = empty_bulk.load(dataset)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Bulk import" not in again.stdout
    with empty_bulk.db() as bulk:
        assert graph_counts(bulk) == manifest_counts(dataset)


def test_bulk_import_rejects_the_rows_the_online_load_rejects(db: Database, empty_bulk: BulkServer,
                                                             tmp_path: Path) -> None:
    data = build(tmp_path / "bad", {
        "customers.csv": [customer("c3", country="XX"), customer("c4"), customer("c1"),
                          customer("c5", registeredAt="2199-01-01T00:00:00Z"),
                          customer("c6", name="Zoë, \"quoted\"", birthYear=" 1970")],
        "order_items.csv": [["o1", "sku-404", "1", "1.00"], ["o1", "sku-1", "3", "1.00"]],
        "orders.csv": [["o2", "ghost", "", "2025-03-01T12:00:00Z", "1", "USD", "1", "", "paid", "", "false", ""],
                       ["o3", "c4", "", "2025-03-01T12:00:00+05:30", "1e1", "USD", "1", "", "paid", "", "yes", ""]],
    })
    (data / "events.jsonl").write_text("\n".join(json.dumps(e) for e in [
        {"eventId": "e1", "customerId": "c1", "type": "view", "at": "2025-04-01T11:00:00Z", "sku": "sku-1"},
        {"eventId": "e1", "customerId": "c2", "type": "view", "at": "2025-04-01T11:00:00Z", "sku": "sku-1"},
        {"eventId": "e2", "customerId": "c2", "type": "search", "at": "2025-04-01T11:00:00Z"},
        {"eventId": "e3", "customerId": "c2", "type": "search", "at": "2025-04-01T11:00:00Z", "query": "jigsaw"},
        {"eventId": 4, "customerId": "c2", "type": "cart", "at": "2025-04-01T11:00:00Z", "sku": "sku-1"},
        {"eventId": "e5", "customerId": "nobody", "type": "cart", "at": "2025-04-01T11:00:00Z", "sku": "sku-1"},
    ]) + "\n{not json\n")
    quarantine = tmp_path / "q.jsonl"
    done = empty_bulk.load(data, "--mode", "import", "--quarantine", str(quarantine))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Bulk import" in done.stdout
    online = load_dataset(db, data)
    bulk_rejects = sorted((e["file"], e["line"], e["field"], e["value"], e["reason"])
                          for e in map(json.loads, quarantine.read_text().splitlines()))
    online_rejects = sorted((e.file, e.line, e.field, e.value, e.reason) for e in online.errors)
    assert len(online_rejects) >= 9
    assert bulk_rejects == online_rejects
    with empty_bulk.db() as bulk:
        assert graph_counts(bulk) == graph_counts(db)
        assert fingerprint(bulk) == fingerprint(db)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _importer(pid: int) -> int | None:
    """The ``neo4j-admin database import`` JVM started by the ckg process ``pid``, if running."""
    for child in _children(pid):
        try:
            if b"AdminTool" in Path(f"/proc/{child}/cmdline").read_bytes():
                return child
        except OSError:
            continue
    return None


def test_kill_9_during_the_import_then_rerun_is_exact(empty_bulk: BulkServer, tmp_path: Path) -> None:
    data = tmp_path / "d"
    generate(1500, 31, data)
    proc = subprocess.Popen([sys.executable, "-m", "ckg", "load", str(data), "--mode", "import"],
                            env=empty_bulk.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    importer = None
    while time.monotonic() < deadline and proc.poll() is None:
        importer = _importer(proc.pid)
        if importer is not None:
            break
        time.sleep(0.05)
    assert importer is not None, "the import tool never ran"
    time.sleep(1.0)  # well into the import (the JVM alone takes longer to finish)
    os.killpg(proc.pid, signal.SIGKILL)  # ckg and the import tool, at once
    proc.wait()
    assert (empty_bulk.instance.directory / MARKER).exists(), "the import finished before the kill"
    assert launcher.read_pid(empty_bulk.instance) is None  # the server stays stopped
    again = empty_bulk.load(data)  # auto: the interrupted import is run again
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Bulk import" in again.stdout
    assert not (empty_bulk.instance.directory / MARKER).exists()
    with empty_bulk.db() as bulk:
        assert graph_counts(bulk) == manifest_counts(data)
