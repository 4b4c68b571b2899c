"""Request bodies over CKG_API_MAX_BODY_BYTES get 413 with a GraphQL-style error, never read whole."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from ckg.gql.app import create_app
from ckg.graph.auth import Role, create_token
from ckg.graph.db import Database
from ckg.graph.settings import Settings
from tests.conftest import Neo4jUnderTest

MIB = 1024 * 1024
QUERY = "{ __typename }"  # the padding variable is not declared, so it is ignored


@pytest.fixture(scope="module")
def auth(session_db: Database) -> dict[str, str]:
    token = create_token(session_db, Role.ANALYST, f"body-{uuid.uuid4().hex[:8]}")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def client(neo4j_server: Neo4jUnderTest) -> Iterator[TestClient]:
    with TestClient(create_app(neo4j_server.settings)) as c:
        yield c


def body_of(size: int) -> bytes:
    """A GraphQL request of about ``size`` bytes: the bulk is one variable."""
    return json.dumps({"query": QUERY, "variables": {"pad": "x" * size}}).encode()


def assert_too_large(resp: Any, limit: int = MIB) -> None:
    assert resp.status_code == 413, resp.text[:200]
    assert resp.headers["content-type"].startswith("application/json")
    assert resp.json() == {"errors": [{"message": f"request body too large: the limit is {limit} bytes"}]}


def test_default_limit_is_one_mib(settings: Settings) -> None:
    assert settings.api_max_body_bytes == MIB


@pytest.mark.parametrize("size", [2 * MIB, 8 * MIB])
def test_big_variable_gets_413(client: TestClient, auth: dict[str, str], size: int) -> None:
    resp = client.post("/graphql", content=body_of(size), headers={**auth, "Content-Type": "application/json"})
    assert_too_large(resp)


def test_big_streamed_body_without_length_gets_413(client: TestClient, auth: dict[str, str]) -> None:
    data = body_of(2 * MIB)
    chunks = (data[i:i + 65536] for i in range(0, len(data), 65536))
    resp = client.post("/graphql", content=chunks, headers={**auth, "Content-Type": "application/json"})
    assert "content-length" not in resp.request.headers
    assert_too_large(resp)


def test_body_under_the_limit_is_answered(client: TestClient, auth: dict[str, str]) -> None:
    resp = client.post("/graphql", content=body_of(MIB - 1000), headers={**auth, "Content-Type": "application/json"})
    assert resp.status_code == 200 and resp.json() == {"data": {"__typename": "Query"}}


def test_limit_is_configurable(neo4j_server: Neo4jUnderTest, auth: dict[str, str]) -> None:
    small = neo4j_server.settings.model_copy(update={"api_max_body_bytes": 2000})
    with TestClient(create_app(small)) as c:
        ok = c.post("/graphql", content=body_of(1000), headers={**auth, "Content-Type": "application/json"})
        big = c.post("/graphql", content=body_of(3000), headers={**auth, "Content-Type": "application/json"})
    assert ok.status_code == 200
    assert_too_large(big, 2000)


class Upload:
    """An ASGI client sending a body in 64 KiB chunks and counting how many the app pulled."""

    def __init__(self, size: int, chunk: int = 65536) -> None:
        self.size, self.chunk, self.pulled = size, chunk, 0
        self.sent: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        if self.pulled * self.chunk >= self.size:
            return {"type": "http.disconnect"}
        self.pulled += 1
        more = self.pulled * self.chunk < self.size
        return {"type": "http.request", "body": b"x" * self.chunk, "more_body": more}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    def status(self) -> int:
        return int(next(m["status"] for m in self.sent if m["type"] == "http.response.start"))


def scope(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": "/graphql", "raw_path": b"/graphql", "query_string": b"", "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "client": ("127.0.0.1", 1), "server": ("testserver", 80), "app": client.app,
            "state": {}}


def call(client: TestClient, upload: Upload, headers: dict[str, str]) -> None:
    graphql = next(r for r in client.app.routes if getattr(r, "path", "") == "/graphql")  # type: ignore[attr-defined]
    s = scope(client, headers)
    asyncio.run(graphql.app(s, upload.receive, upload.send))  # type: ignore[attr-defined]


def test_streamed_body_is_refused_after_the_limit_not_read_to_the_end(client: TestClient,
                                                                       auth: dict[str, str]) -> None:
    upload = Upload(8 * MIB)
    call(client, upload, {**auth, "content-type": "application/json"})
    assert upload.status() == 413
    assert upload.pulled == MIB // upload.chunk + 1  # 1 MiB and one chunk of the 8 MiB, then stop


def test_declared_length_over_the_limit_is_refused_before_reading(client: TestClient,
                                                                   auth: dict[str, str]) -> None:
    upload = Upload(8 * MIB)
    call(client, upload, {**auth, "content-type": "application/json", "content-length": str(8 * MIB)})
    assert upload.status() == 413 and upload.pulled == 0
