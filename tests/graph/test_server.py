"""The local server: schema, plugins (GDS, APOC), Browser."""

from __future__ import annotations

import urllib.request

from ckg.graph.db import Database
from ckg.graph.queries import Query
from ckg.graph.schema import apply_schema, constraint_names
from ckg.graph.settings import Settings


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


def test_schema_applies_and_reapplies_without_error(db: Database) -> None:
    first = apply_schema(db)
    second = apply_schema(db)
    assert first == second > 0
    names = constraint_names(db)
    assert {"customer_customer_id_unique", "order_order_id_unique", "tag_name_unique"} <= names


def test_uniqueness_constraint_rejects_duplicate_customer(db: Database) -> None:
    db.write(q("CREATE (:Customer {customerId: 'c1'})"))
    try:
        db.write(q("CREATE (:Customer {customerId: 'c1'})"))
    except Exception as exc:  # noqa: BLE001 - the driver's ConstraintError
        assert "already exists" in str(exc)
    else:
        raise AssertionError("duplicate customerId was accepted")


def test_gds_and_apoc_answer(db: Database) -> None:
    info = db.server_info()
    assert info.neo4j_version.startswith("5.26")
    assert info.gds_version and info.gds_version.startswith("2.")
    assert info.apoc_version and info.apoc_version.startswith("5.26")


def test_gds_louvain_finds_two_communities_in_two_triangles(db: Database) -> None:
    db.write(q("""
        UNWIND [[1,2],[2,3],[1,3],[4,5],[5,6],[4,6],[3,4]] AS e
        MERGE (a:Customer {customerId: toString(e[0])})
        MERGE (b:Customer {customerId: toString(e[1])})
        MERGE (a)-[:REFERRED]->(b)"""))
    rows = db.write(q("""
        MATCH (s:Customer)-[:REFERRED]->(t:Customer)
        WITH gds.graph.project('tiny', s, t, {}, {undirectedRelationshipTypes: ['*']}) AS g
        CALL gds.louvain.stream('tiny') YIELD nodeId, communityId
        RETURN gds.util.asNode(nodeId).customerId AS id, communityId"""))
    groups: dict[int, set[str]] = {}
    for r in rows:
        groups.setdefault(r["communityId"], set()).add(r["id"])
    assert sorted(map(sorted, groups.values())) == [["1", "2", "3"], ["4", "5", "6"]]


def test_browser_is_served(settings: Settings) -> None:
    with urllib.request.urlopen(settings.browser_url, timeout=10) as resp:  # noqa: S310
        body = resp.read().decode()
    assert resp.status == 200
    assert "<title>Neo4j Browser</title>" in body
