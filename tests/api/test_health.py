"""/graphql answers; /healthz follows Neo4j down and up again without restarting the API."""

from __future__ import annotations

import time

import pytest
from starlette.testclient import TestClient

from ckg.gql import app as app_module
from ckg.gql.app import create_app
from ckg.graph.auth import Role
from ckg.graph.settings import Settings
from tests.conftest import Neo4jUnderTest


def test_graphql_answers_typename(api: TestClient, tokens: dict[Role, str]) -> None:
    resp = api.post("/graphql", json={"query": "{ __typename }"},
                    headers={"Authorization": f"Bearer {tokens[Role.ANALYST]}"})
    assert resp.status_code == 200
    assert resp.json() == {"data": {"__typename": "Query"}}


def test_server_versions_via_graphql(api: TestClient, tokens: dict[Role, str]) -> None:
    resp = api.post("/graphql", json={"query": "{ server { neo4jVersion gdsVersion } }"},
                    headers={"Authorization": f"Bearer {tokens[Role.ANALYST]}"})
    data = resp.json()["data"]["server"]
    assert data["neo4jVersion"].startswith("5.26")
    assert data["gdsVersion"]


def test_healthz_reports_down_then_recovers_without_restarting_api(
    neo4j_server: Neo4jUnderTest, settings: Settings, tokens: dict[Role, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if neo4j_server.instance is None:
        pytest.skip("external server: cannot stop it from the tests")
    assert app_module.REWARM_DELAY_SECONDS > 0  # served requests plan their statements first
    monkeypatch.setattr(app_module, "REWARM_DELAY_SECONDS", 0.5)
    auth = {"Authorization": f"Bearer {tokens[Role.ANALYST]}"}
    with TestClient(create_app(settings.model_copy(update={"connection_timeout": 2.0}))) as c:
        assert c.get("/healthz").json()["neo4j"] == "up"
        state = c.app.state  # type: ignore[attr-defined]
        assert state.warming is None  # warmed up before serving; nothing since
        portrait = {"query": 'query { portrait(customerId: "c0000001") { customer { id } } }'}
        neo4j_server.stop()
        try:
            down = c.get("/healthz")
            assert down.status_code == 503
            assert down.json()["neo4j"] == "down"
            assert c.post("/graphql", json=portrait, headers=auth).status_code == 503
        finally:
            neo4j_server.start()
        up = c.get("/healthz")
        assert up.status_code == 200 and up.json()["neo4j"] == "up"
        assert c.post("/graphql", json={"query": "{ server { edition } }"}, headers=auth).json()["data"]
        assert c.post("/graphql", json=portrait, headers=auth).json()["data"]["portrait"]["customer"]["id"]
        # the first answer after the outage started a warm-up of the restarted server's plans
        deadline = time.monotonic() + 60
        while not (state.warming is not None and state.warming.done()):
            assert time.monotonic() < deadline, "no warm-up after the outage"
            time.sleep(0.1)
        assert state.warming.exception() is None
