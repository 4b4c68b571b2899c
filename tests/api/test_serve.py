"""``ckg serve`` as a process: its workers share whole portrait answers through a private file that
is gone once it stops, and SIGTERM stops every worker."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from ckg.gql.answer_store import SHARED_PREFIX
from ckg.graph.auth import Role
from ckg.graph.settings import Settings
from tests.conftest import free_port

PORTRAIT = 'query($id: ID!) { portrait(customerId: $id) { customer { id country } dimensions { name } } }'


def test_serve_shares_answers_between_its_workers_and_leaves_nothing_behind(
        settings: Settings, tokens: dict[Role, str], api_data: object, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CKG_", "PROMETHEUS_"))}
    env.update(CKG_NEO4J_URI=settings.neo4j_uri, CKG_NEO4J_PASSWORD=settings.password, CKG_HOME=str(tmp_path))
    serve = subprocess.Popen([sys.executable, "-m", "ckg", "serve", "--workers", "2", "--port", str(port)],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert serve.poll() is None, serve.stderr.read().decode() if serve.stderr else serve.returncode
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "ckg serve did not answer /healthz"
            time.sleep(0.3)
        mine = list(Path("/dev/shm").glob(f"{SHARED_PREFIX}{serve.pid}-*")) or \
            list(Path(os.environ.get("TMPDIR", "/tmp")).glob(f"{SHARED_PREFIX}{serve.pid}-*"))
        assert len(mine) == 1 and (mine[0].stat().st_mode & 0o077) == 0  # private to its user
        auth = {"Authorization": f"Bearer {tokens[Role.MARKETER]}"}
        body = {"query": PORTRAIT, "variables": {"id": "c0000030"}}
        answers = [httpx.post(f"{url}/graphql", json=body, headers=auth, timeout=10) for _ in range(4)]
        assert all(a.status_code == 200 for a in answers) and len({a.content for a in answers}) == 1
        with sqlite3.connect(mine[0] / "answers.sqlite") as shared:
            assert shared.execute("SELECT count(*) FROM answers WHERE customer = 'c0000030'").fetchone()[0] == 1
        hits = [line for line in httpx.get(f"{url}/metrics").text.splitlines()
                if line.startswith('ckg_response_cache_total{result="hit"}')]
        assert hits and float(hits[0].rsplit(" ", 1)[1]) >= 3  # each connection is new: either worker answered
    finally:
        serve.send_signal(signal.SIGTERM)
        code = serve.wait(timeout=60)
    assert code == 0
    assert not mine[0].exists()  # the answers (personal data) went with the server
    with socket.socket() as probe:  # no worker outlived it
        assert probe.connect_ex(("127.0.0.1", port)) != 0
