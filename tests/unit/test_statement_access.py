"""Reads run in read transactions, writes in write transactions (what routing to a cluster needs)."""

from __future__ import annotations

import ast
import asyncio
import re
from pathlib import Path

import pytest

from ckg.graph.async_db import AsyncDatabase
from ckg.graph.db import Database
from ckg.graph.errors import WriteInReadTransaction
from ckg.graph.queries import Query, queries
from ckg.graph.settings import Settings
from ckg.graph.statement_access import writes_to_store

ROOT = Path(__file__).resolve().parents[2]
# Verbs that promise a read in a file's name (cypher/<area>/<verb>_<noun>.cypher).
READ_VERBS = {"get", "list", "find", "count", "stream", "show", "search", "export", "measure", "explain"}


def q(text: str) -> Query:
    return Query("area/test_statement", text)


@pytest.mark.parametrize("text", [
    "UNWIND $rows AS row MERGE (c:Customer {customerId: row.id})",
    "MATCH (c:Customer) SET c.seen = true",
    "MATCH (c:Customer)-[r:HAS_TAG]->() DELETE r",
    "MATCH (c:Customer) DETACH DELETE c",
    "MATCH (c:Customer) REMOVE c.email",
    "CREATE (:Job {jobId: $id})",
    "MATCH (c) FOREACH (x IN [1] | SET c.n = x)",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS",
    "CALL gds.louvain.write('g', {writeProperty: 'community'})",
    "CALL gds.graph.nodeProperties.write('g', ['x'])",
    "CALL apoc.create.relationship(a, 'KNOWS', {}, b) YIELD rel RETURN rel",
    "match (c) set c.x = 1",
])
def test_a_statement_that_changes_the_graph_writes(text: str) -> None:
    assert writes_to_store(q(text))


@pytest.mark.parametrize("text", [
    "MATCH (c:Customer {customerId: $id}) RETURN c.name AS name",
    "MATCH (c) RETURN c.set AS set, $create AS create, {delete: 1} AS m",
    "MATCH (c) WHERE c.note = 'CREATE something; SET x' RETURN c",
    "// MERGE nothing here\nMATCH (c) RETURN count(c) AS n",
    "MATCH (c) RETURN c.createdAt, c.mergedInto, c.dataset",
    "CALL gds.louvain.stream('g') YIELD nodeId, communityId RETURN nodeId, communityId",
    "CALL gds.fastRP.mutate('g', {mutateProperty: 'e', embeddingDimension: 8}) YIELD nodeCount RETURN nodeCount",
    "CALL gds.graph.drop('g', false) YIELD graphName RETURN graphName",
    "CALL db.awaitIndexes(300)",
    "MATCH (c) WHERE c.site = 'https://x.example' // the customer's site\nRETURN c",
])
def test_a_statement_that_only_reads_does_not_write(text: str) -> None:
    assert not writes_to_store(q(text))


def test_database_read_refuses_a_writing_statement_before_sending_it() -> None:
    # Nothing listens on port 1: the refusal must come before any connection is attempted.
    db = Database(Settings(neo4j_uri="bolt://127.0.0.1:1", connection_timeout=0.5))
    try:
        with pytest.raises(WriteInReadTransaction, match="cypher/load/merge_customers.cypher"):
            db.read(queries.load.merge_customers, rows=[])
        assert db.round_trips == 0
    finally:
        db.close()


def test_the_api_async_read_refuses_a_writing_statement_too() -> None:
    async def attempt() -> None:
        db = AsyncDatabase(Settings(neo4j_uri="bolt://127.0.0.1:1", connection_timeout=0.5))
        try:
            with pytest.raises(WriteInReadTransaction, match="cypher/load/merge_customers.cypher"):
                await db.read(queries.load.merge_customers, rows=[])
            assert db.round_trips == 0
        finally:
            await db.close()

    asyncio.run(attempt())


def _calls(method: str) -> list[tuple[str, int, str]]:
    """(file, line, query name) of every ``<x>.<method>(queries.<area>.<name>, ...)`` in the layers."""
    found = []
    for package in ("graph", "gql", "cli", "loaders"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr == method and node.args):
                    m = re.fullmatch(r"queries\.(\w+)\.(\w+)", ast.unparse(node.args[0]))
                    if m:
                        found.append((f"{package}/{path.name}", node.lineno, f"{m[1]}/{m[2]}"))
    return found


def test_no_read_path_in_the_code_names_a_writing_statement() -> None:
    calls = _calls("read")
    assert len(calls) > 20  # the scan finds the reads (it can fail)
    offenders = [c for c in calls if writes_to_store(queries.get(c[2]))]
    assert offenders == []


def test_no_single_write_names_a_statement_that_only_reads() -> None:
    """A read sent as a write goes to the leader on a cluster: it works, but loads the wrong member."""
    calls = _calls("write") + _calls("write_batches")
    assert len(calls) > 10
    offenders = [c for c in calls if not writes_to_store(queries.get(c[2]))]
    assert offenders == []


def test_a_statement_named_as_a_read_does_not_write() -> None:
    offenders = [name for name in queries.names()
                 if name.split("/")[1].split("_")[0] in READ_VERBS and writes_to_store(queries.get(name))]
    assert offenders == []
