"""API fixtures: a tagged dataset loaded once per module, tokens per role, a test client."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from ckg.gql.app import create_app
from ckg.graph.auth import Role, create_token
from ckg.graph.db import Database
from ckg.graph.maintenance import delete_all_data
from ckg.graph.settings import Settings
from ckg.graph.tags.refresh import refresh
from ckg.loaders.generator import generate
from ckg.loaders.load import load_dataset


@pytest.fixture(scope="package")
def api_data(session_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("api") / "d"
    generate(600, 9, out)
    delete_all_data(session_db)
    assert load_dataset(session_db, out).ok
    refresh(session_db)
    return out


@pytest.fixture(scope="package")
def tokens(session_db: Database, api_data: Path) -> dict[Role, str]:
    return {role: create_token(session_db, role, f"test-{role.value}") for role in Role}


@pytest.fixture
def api(settings: Settings, api_data: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


Gql = Callable[..., dict[str, Any]]


@pytest.fixture
def gql(api: TestClient, tokens: dict[Role, str]) -> Gql:
    def run(query: str, role: Role = Role.ADMIN, **variables: Any) -> dict[str, Any]:
        resp = api.post("/graphql", json={"query": query, "variables": variables},
                        headers={"Authorization": f"Bearer {tokens[role]}"})
        assert resp.status_code == 200, resp.text
        body: dict[str, Any] = resp.json()
        return body

    return run


def finished_job(gql: Gql, job_id: str, role: Role = Role.ADMIN, timeout: float = 120.0) -> dict[str, Any]:
    """Poll ``job(id)`` through the API until the job has ended (or ``timeout`` passed)."""
    deadline = time.monotonic() + timeout
    while True:
        job = gql("query($id: ID!) { job(id: $id) { state progress message result } }", role, id=job_id)["data"]["job"]
        if job["state"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return dict(job)
        time.sleep(0.2)
