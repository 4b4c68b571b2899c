"""Hostile requests are refused (or answered) within a second, and /healthz keeps answering.

Before the cost limit (gql/limits.py), the 546-byte fragment bomb below held the event loop for
5-7 s; validation expanded every spread without memoisation.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from graphql import parse
from starlette.testclient import TestClient

from ckg.gql.app import create_app
from ckg.gql.limits import MAX_COST, QueryTooComplex, document_cost
from ckg.gql.schema import schema
from ckg.graph.auth import Role, create_token
from ckg.graph.db import Database
from tests.conftest import Neo4jUnderTest

SECOND = 1.0


def fragment_bomb(fragments: int = 11, spreads: int = 4) -> str:
    """Each fragment spreads the next ``spreads`` times: ``spreads ** (fragments - 1)`` fields expanded."""
    body = [f"fragment F{i} on Query {{ {' '.join([f'...F{i + 1}'] * spreads)} }}" for i in range(fragments - 1)]
    return "query { ...F0 }\n" + "\n".join([*body, f"fragment F{fragments - 1} on Query {{ __typename }}"])


@pytest.fixture(scope="module")
def auth(session_db: Database) -> dict[str, str]:
    token = create_token(session_db, Role.ADMIN, f"hostile-{uuid.uuid4().hex[:8]}")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def client(neo4j_server: Neo4jUnderTest, auth: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(neo4j_server.settings)) as c:
        # Warm up: the first request connects to Neo4j and has Neo4j plan the token lookup.
        assert c.post("/graphql", json={"query": "{ __typename }"}, headers=auth).status_code == 200
        yield c


def post_json(client: TestClient, auth: dict[str, str], payload: Any) -> Any:
    return client.post("/graphql", content=json.dumps(payload).encode(),
                       headers={**auth, "Content-Type": "application/json"})


def gql(query: str, **extra: Any) -> Callable[[TestClient, dict[str, str]], Any]:
    return lambda c, a: post_json(c, a, {"query": query, **extra})


def nested_json(depth: int) -> bytes:
    return b'{"query": "query($v: String) { __typename }", "variables": {"v": ' + b"[" * depth + b"]" * depth + b"}}"


def refused(resp: Any) -> bool:
    if resp.status_code != 200:
        return True
    body = resp.json()
    return bool(body.get("errors")) and body.get("data") is None


# name -> (request, expect refusal)
HOSTILE: dict[str, tuple[Callable[[TestClient, dict[str, str]], Any], bool]] = {
    "deep nesting": (gql("{ " + 'customer(id: "c1") { community { members { ' * 40 + "id" + " } } }" * 40 + " }"),
                     True),
    "1000 aliases": (gql("{ " + " ".join(f"a{i}: __typename" for i in range(1000)) + " }"), True),
    "fragment bomb": (gql(fragment_bomb()), True),
    "fragment cycle": (gql("{ ...A } fragment A on Query { ...B __typename } fragment B on Query { ...A }"), True),
    "fragment all-pairs cycles": (gql("{ ...F0 } " + " ".join(
        f"fragment F{i} on Query {{ {' '.join(f'...F{j}' for j in range(10) if j != i)} }}" for i in range(10))),
        True),
    "nested pages": (gql("{ customers(first: 100) { edges { node { similarCustomers(first: 100) { customer { "
                         "similarCustomers(first: 100) { customer { id } } } } } } } }"), True),
    "one field repeated": (gql("{ " + "tagCatalog { families { name } } " * 285 + "}"), True),
    "huge variable": (gql("query($v: ID!) { customer(id: $v) { id } }", variables={"v": "x" * (2 * 1024 * 1024)}),
                      True),
    "huge query string": (gql("#" + "x" * 900_000 + "\n{ __typename }"), True),
    "many operations": (gql(" ".join(f"query Q{i} {{ __typename }}" for i in range(300)), operationName="Q7"),
                        False),
    "deeply nested variable": (lambda c, a: c.post("/graphql", content=nested_json(200_000),
                                                   headers={**a, "Content-Type": "application/json"}), True),
    "nested variable object": (gql("query($v: [String]) { __typename }",
                                   variables={"v": json.loads('{"a": ' * 500 + "1" + "}" * 500)}), True),
    "batch of queries": (lambda c, a: post_json(c, a, [{"query": fragment_bomb()}] * 100), True),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_request_is_answered_or_refused_within_a_second(client: TestClient, auth: dict[str, str],
                                                                name: str) -> None:
    send, expect_refusal = HOSTILE[name]
    start = time.perf_counter()
    resp = send(client, auth)
    took = time.perf_counter() - start
    assert took < SECOND, f"{name} took {took:.2f}s"
    assert resp.status_code != 500
    assert refused(resp) == expect_refusal, resp.text[:300]
    health = client.get("/healthz")
    assert health.status_code == 200


def test_fragment_bomb_says_why(client: TestClient, auth: dict[str, str]) -> None:
    body = post_json(client, auth, {"query": fragment_bomb()}).json()
    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == [f"query too complex: cost over {MAX_COST}"]


def test_a_flood_of_bombs_leaves_health_answering(client: TestClient, auth: dict[str, str]) -> None:
    bomb = {"query": fragment_bomb()}

    def one(_: int) -> tuple[int, float]:
        start = time.perf_counter()
        resp = post_json(client, auth, bomb)
        return resp.status_code, time.perf_counter() - start

    with ThreadPoolExecutor(max_workers=10) as pool:
        futures = [pool.submit(one, i) for i in range(50)]
        health_start = time.perf_counter()
        health = client.get("/healthz")
        health_took = time.perf_counter() - health_start
        results = [f.result() for f in futures]
    assert all(status == 200 for status, _ in results)
    assert max(took for _, took in results) < SECOND, results
    assert health.status_code == 200 and health_took < SECOND


def test_cost_walk_is_memoised_and_stops_early() -> None:
    gs = schema._schema
    with pytest.raises(QueryTooComplex, match="cost over"):
        document_cost(parse(fragment_bomb(30, 10)), schema=gs)  # 10**29 fields expanded
    assert document_cost(parse(fragment_bomb(4, 4)), schema=gs) == 1 + 4 + 16 + 64 + 64  # spreads, then fields
    page = "query($n: Int!) { customers(first: $n) { edges { node { id } } } }"
    assert document_cost(parse(page), schema=gs, variables={"n": 50}) == 1 + 50 * 3
    assert document_cost(parse("{ customers { totalCount } }"), schema=gs) == 1 + 20  # the default page


def test_existing_limits_still_refuse_before_execution(client: TestClient, auth: dict[str, str]) -> None:
    inner = "id"
    for _ in range(11):
        inner = f"similarCustomers(first: 1) {{ customer {{ {inner} }} }}"
    deep = post_json(client, auth, {"query": f'{{ customer(id: "c0000001") {{ {inner} }} }}'}).json()
    assert deep["data"] is None and "exceeds maximum operation depth" in deep["errors"][0]["message"]
    aliases = post_json(client, auth, {"query": "{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }"})
    assert "aliases" in aliases.json()["errors"][0]["message"]
    tokens = post_json(client, auth, {"query": "{ " + "__typename " * 2100 + "}"}).json()
    assert "more than 2000 tokens" in tokens["errors"][0]["message"]
