"""What a refresh unit's fingerprint is made of: names read from Cypher, what each input file writes."""

from __future__ import annotations

import re

from ckg.graph.queries import Query, queries
from ckg.graph.tags import fingerprint as fp
from ckg.graph.tags.catalogue import FAMILIES
from ckg.graph.tags.refresh import SIMILARITY, algorithm_sources
from ckg.loaders.format import EVENTS_FILE
from ckg.loaders.spec import SPECS


def test_names_in_cypher_are_labels_and_types_not_keywords() -> None:
    text = """// a comment naming Ignored
        MATCH (c:Customer)-[:PLACED]->(o:Order)-[r:CONTAINS|VIEWED]->(p:Product)
        WHERE NOT o.status IN ['cancelled'] AND p.name CONTAINS 'x'
        RETURN count(*) AS n"""
    names = fp.names_in(text)
    assert {"Customer", "PLACED", "Order", "CONTAINS", "VIEWED", "Product"} <= names
    assert not names & {"MATCH", "WHERE", "NOT", "IN", "AND", "RETURN", "AS", "Ignored"}


def test_every_input_file_maps_to_what_its_statement_writes() -> None:
    writes = fp.load_writes()
    assert fp.EVENTS_FILE == EVENTS_FILE
    for name, spec in SPECS.items():
        assert writes.get(name), name
        if name != EVENTS_FILE:
            assert spec.write == "load/merge_" + name.removesuffix(".csv"), name
    assert {"Order", "PLACED"} <= writes["orders.csv"] and "Customer" not in writes["orders.csv"]
    assert {"VIEWED", "SEARCHED", "FAVORITED", "ADDED_TO_CART"} <= writes[EVENTS_FILE]


def _variables_bound_by_writes(statement: Query) -> tuple[set[str], set[str]]:
    """(variables a MERGE or CREATE binds with a label or type, variables a SET assigns to)."""
    text = "\n".join(line for line in statement.text.splitlines() if not line.strip().startswith("//"))
    bound: set[str] = set()
    for line in text.splitlines():
        if re.search(r"\b(MERGE|CREATE)\b", line):
            bound |= set(re.findall(r"[(\[]\s*([a-z][A-Za-z0-9_]*)\s*:", line))
    assigned = set(re.findall(r"\b([a-z][A-Za-z0-9_]*)\.[A-Za-z0-9_]+\s*=(?!=)", text))
    return bound, assigned - {"row"}


def test_load_statements_set_only_what_they_merge() -> None:
    # written_names reads the MERGE/CREATE lines: a SET on a node a statement only MATCHes would
    # change an input no fingerprint looks at
    for q in queries.load:
        if q.name.startswith("load/merge_"):
            bound, changed = _variables_bound_by_writes(q)
            assert changed <= bound, (q.name, changed - bound)


def test_units_read_their_catalogue_inputs_and_never_their_outputs() -> None:
    for f in FAMILIES:
        if f.algorithm:
            reads = fp.source_reads(*algorithm_sources(f.algorithm))
            assert not reads & fp.OUTPUTS
    assert {"Order", "PLACED", "CONTAINS", "Product"} <= fp.source_reads(*algorithm_sources(SIMILARITY))
    assert "NOT_SAME_PERSON" in fp.source_reads(*algorithm_sources("wcc_identity"))
    # community profiles summarise members' tags: the Louvain unit says it reads them
    assert "HAS_TAG" in fp.source_names(*algorithm_sources("louvain_social"))


def test_code_version_is_stable_within_a_process() -> None:
    assert fp.code_version() == fp.code_version()
    assert re.fullmatch(r"[0-9a-f]{16}", fp.code_version())


def test_a_fingerprint_moves_with_counts_it_reads_and_loads_of_files_writing_them() -> None:
    unit = fp.Unit("u", frozenset({"Order", "PLACED"}), {"now": "t"})
    base = fp.GraphState({"Order": 3, "PLACED": 3, "VIEWED": 9}, {"customers.csv": {"loads": 1, "latest": "a"}}, {})
    same = fp.GraphState({"Order": 3, "PLACED": 3, "VIEWED": 10},
                         {"customers.csv": {"loads": 2, "latest": "b"}}, {})
    assert base.fingerprint(unit) == same.fingerprint(unit)  # views and customers.csv are not its inputs
    more = fp.GraphState({"Order": 4, "PLACED": 4}, base.loads, {})
    assert more.fingerprint(unit) != base.fingerprint(unit)
    reloaded = fp.GraphState(base.counts, {**base.loads, "orders.csv": {"loads": 1, "latest": "c"}}, {})
    assert reloaded.fingerprint(unit) != base.fingerprint(unit)
    unknown = fp.GraphState(base.counts, {**base.loads, "mystery.csv": {"loads": 1, "latest": "c"}}, {})
    assert unknown.fingerprint(unit) != base.fingerprint(unit)
    later = fp.Unit("u", unit.reads, {"now": "t2"})
    assert base.fingerprint(later) != base.fingerprint(unit)
    stored = fp.GraphState(base.counts, base.loads, {"u": fp.Stored(base.fingerprint(unit), None, base.inputs(unit))})
    assert stored.unchanged(unit) and not stored.unchanged(later)
    assert stored.what_changed(later) == "parameters"
    grown = fp.GraphState({"Order": 4, "PLACED": 4}, base.loads, stored.stored)
    assert grown.what_changed(unit) == "Order 3->4, PLACED 3->4"
