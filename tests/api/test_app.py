"""The GraphQL app: /graphql answers, /healthz follows Neo4j down and up again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from gql.app import create_app
from graph.settings import Settings
from tests.conftest import Neo4jUnderTest


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def test_graphql_answers_typename(client: TestClient) -> None:
    resp = client.post("/graphql", json={"query": "{ __typename }"})
    assert resp.status_code == 200
    assert resp.json() == {"data": {"__typename": "Query"}}


def test_graphiql_page_is_served(client: TestClient) -> None:
    resp = client.get("/graphql", headers={"Accept": "text/html"})
    assert resp.status_code == 200
    assert "graphiql" in resp.text.lower()


def test_server_versions_via_graphql(client: TestClient) -> None:
    resp = client.post("/graphql", json={"query": "{ server { neo4jVersion gdsVersion } }"})
    data = resp.json()["data"]["server"]
    assert data["neo4jVersion"].startswith("5.26")
    assert data["gdsVersion"]


def test_healthz_reports_down_then_recovers_without_restarting_api(
    neo4j_server: Neo4jUnderTest, settings: Settings
) -> None:
    if neo4j_server.instance is None:
        pytest.skip("external server: cannot stop it from the tests")
    with TestClient(create_app(settings.model_copy(update={"connection_timeout": 2.0}))) as c:
        assert c.get("/healthz").json()["neo4j"] == "up"
        neo4j_server.stop()
        try:
            down = c.get("/healthz")
            assert down.status_code == 503
            assert down.json()["neo4j"] == "down"
        finally:
            neo4j_server.start()
        up = c.get("/healthz")
        assert up.status_code == 200 and up.json()["neo4j"] == "up"
        assert c.post("/graphql", json={"query": "{ server { edition } }"}).json()["data"]
