"""Which documents may be answered from the cache of whole portrait answers (no server needed)."""

from __future__ import annotations

import orjson
import pytest

from ckg.gql.response_cache import ResponseCache
from ckg.gql.schema import build_schema

SCHEMA = build_schema(production=False, introspection=True)._schema
PORTRAIT = """query P($id: ID!) { portrait(customerId: $id) { pAlive customer { id email country
  community { id size } tags(dimension: "behaviour") { name } __typename }
  dimensions { name tags { name weight } } } }"""


def plan_of(query: str, variables: dict[str, object] | None = None, name: str | None = None,
            role: str = "analyst") -> object:
    cache = ResponseCache(None, SCHEMA)  # type: ignore[arg-type]  # no read happens in plan()
    body = orjson.dumps({"query": query, "variables": variables, "operationName": name})
    return cache.plan(body, role, "application/json")


def test_a_portrait_read_qualifies_with_its_customer_from_the_variables_or_a_literal() -> None:
    plan = plan_of(PORTRAIT, {"id": "c1"})
    assert plan is not None and plan.customer_id == "c1"  # type: ignore[attr-defined]
    assert plan_of(PORTRAIT, {"id": "c1"}, name="P") is not None
    literal = plan_of('{ portrait(customerId: "c7") { customer { id } } }')
    assert literal is not None and literal.customer_id == "c7"  # type: ignore[attr-defined]


@pytest.mark.parametrize("query", [
    # fields read elsewhere than the portrait
    'query($id: ID!) { portrait(customerId: $id) { customer { id similarCustomers { score } } } }',
    'query($id: ID!) { portrait(customerId: $id) { customer { orders { edges { node { id } } } } } }',
    # another root field beside it, another operation, a mutation
    'query($id: ID!) { portrait(customerId: $id) { pAlive } tagCatalog { families { name } } }',
    'query($id: ID!) { portrait(customerId: $id) { pAlive } } query Other { __typename }',
    'mutation($id: ID!) { recordConsent(customerId: $id, purpose: PROFILING, granted: true) { __typename } }',
    # the portrait as it stood then (tag history), fragments, directives
    'query($id: ID!) { portrait(customerId: $id, asOf: "2026-01-01T00:00:00Z") { pAlive } }',
    'query($id: ID!) { portrait(customerId: $id) { ...F } } fragment F on Portrait { pAlive }',
    'query($id: ID!) { portrait(customerId: $id) { ... on Portrait { pAlive } } }',
    'query($id: ID!, $s: Boolean!) { portrait(customerId: $id) { pAlive @skip(if: $s) } }',
    # not GraphQL at all
    'query($id: ID!) { portrait(customerId: $id) {',
])
def test_documents_reading_more_than_the_portrait_run_as_usual(query: str) -> None:
    assert plan_of(query, {"id": "c1", "s": False}) is None


def test_the_key_tells_roles_variables_and_media_apart() -> None:
    a = plan_of(PORTRAIT, {"id": "c1"}, role="analyst")
    assert a is not None
    assert a != plan_of(PORTRAIT, {"id": "c1"}, role="marketer")
    assert a != plan_of(PORTRAIT, {"id": "c2"}, role="analyst")
    assert a == plan_of(PORTRAIT, {"id": "c1"}, role="analyst")
    cache = ResponseCache(None, SCHEMA)  # type: ignore[arg-type]
    body = orjson.dumps({"query": PORTRAIT, "variables": {"id": "c1"}})
    assert cache.plan(body, "analyst", "application/json") != cache.plan(body, "analyst",
                                                                         "application/graphql-response+json")


@pytest.mark.parametrize("body", [b"[]", b"not json", b'{"query": 1}', b'{"query": "{ x }", "extensions": {}}'])
def test_bodies_that_are_not_one_plain_request_run_as_usual(body: bytes) -> None:
    assert ResponseCache(None, SCHEMA).plan(body, "analyst", "application/json") is None  # type: ignore[arg-type]


def test_a_customer_id_that_is_not_a_string_runs_as_usual() -> None:
    assert plan_of(PORTRAIT, {"id": 7}) is None
    assert plan_of(PORTRAIT, {}) is None
