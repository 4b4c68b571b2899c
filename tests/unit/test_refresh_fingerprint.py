"""What a refresh unit's fingerprint is made of: names read from Cypher, what each input file writes."""

from __future__ import annotations

import re
import shutil
from importlib.resources import files
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from ckg.graph.db import Database
from ckg.graph.queries import Query, queries
from ckg.graph.tags import fingerprint as fp
from ckg.graph.tags import refresh as refresh_module
from ckg.graph.tags.catalogue import FAMILIES, family
from ckg.graph.tags.refresh import SIMILARITY, Refresher, algorithm_sources, cypher_passes
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


def _refresher() -> Refresher:
    """A refresher whose units can be built without a database (no category map, networkx)."""
    stub = SimpleNamespace(settings=SimpleNamespace(category_map=None, category_map_file=None))
    refresher = Refresher(cast(Database, stub), engine="networkx", as_of="2026-10-01T00:00:00Z")
    refresher._state = fp.GraphState({}, {}, {})
    return refresher


def _unit(refresher: Refresher, name: str) -> fp.Unit:
    f = family(name)
    if f.algorithm:
        return refresher._algorithm_unit(f.algorithm, f.name)
    return next(refresher._pass_unit(p) for p in cypher_passes(FAMILIES) if f in p.families)


def test_every_catalogue_input_of_a_family_is_read_by_its_unit() -> None:
    refresher = _refresher()
    for f in FAMILIES:
        reads = _unit(refresher, f.name).reads
        assert fp.family_reads([f]) <= reads, (f.name, fp.family_reads([f]) - reads)
        assert reads >= fp.CONSENT_READS, f.name
    assert {"Order", "PLACED", "CONTAINS", "Product"} <= fp.source_reads(*algorithm_sources(SIMILARITY))
    assert "NOT_SAME_PERSON" in fp.source_reads(*algorithm_sources("wcc_identity"))
    # community profiles summarise members' tags: the Louvain unit says it reads them
    assert "HAS_TAG" in fp.source_names(*algorithm_sources("louvain_social"))


def test_the_community_unit_moves_with_the_passes_whose_tags_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    community = next(f.name for f in FAMILIES if f.algorithm == "louvain_social")
    refresher = _refresher()
    before = refresher.state.fingerprint(_unit(refresher, community))
    monkeypatch.setattr(refresh_module, "HALF_LIFE_DAYS", refresh_module.HALF_LIFE_DAYS + 1)
    assert refresher.state.fingerprint(_unit(refresher, community)) != before
    # an algorithm reading no tag does not
    pagerank = next(f.name for f in FAMILIES if f.algorithm == "pagerank_influence")
    monkeypatch.undo()
    rank = refresher.state.fingerprint(_unit(refresher, pagerank))
    monkeypatch.setattr(refresh_module, "HALF_LIFE_DAYS", refresh_module.HALF_LIFE_DAYS + 1)
    assert refresher.state.fingerprint(_unit(refresher, pagerank)) == rank


def test_the_code_version_covers_every_file_of_the_graph_and_cypher_packages() -> None:
    hashed = {path for package in fp.CODE_PACKAGES for path, _ in fp.code_files(files(package), package)}
    for path in ("ckg.graph/tags/algorithm_families.py", "ckg.graph/ranking.py", "ckg.graph/tags/catalogue.py",
                 "ckg.graph/tags/refresh.py", "ckg.cypher/tags/derive_high_value.cypher",
                 "ckg.cypher/algorithms/identity_pairs.cypher"):
        assert path in hashed, path
    assert not any("__pycache__" in p or p.endswith(".pyc") for p in hashed)
    assert fp.code_version() == fp.tree_digest((package, files(package)) for package in fp.CODE_PACKAGES)
    assert re.fullmatch(r"[0-9a-f]{16}", fp.code_version())


def test_the_code_version_changes_with_any_file(tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    shutil.copytree(Path(str(files("ckg.graph"))), graph, ignore=shutil.ignore_patterns("__pycache__"))
    cypher = tmp_path / "cypher"
    shutil.copytree(Path(str(files("ckg.cypher"))), cypher)
    roots = [("ckg.graph", graph), ("ckg.cypher", cypher)]
    seen = {fp.tree_digest(roots)}
    edits = [graph / "tags" / "algorithm_families.py", graph / "ranking.py",
             cypher / "tags" / "derive_high_value.cypher"]
    for path in edits:
        path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
        seen.add(fp.tree_digest(roots))
    (graph / "new_module.py").write_text("X = 1\n", encoding="utf-8")
    seen.add(fp.tree_digest(roots))
    (graph / "__pycache__").mkdir(exist_ok=True)
    (graph / "__pycache__" / "ranking.cpython-312.pyc").write_bytes(b"compiled")
    seen.add(fp.tree_digest(roots))  # compiled files are not code: the same digest as before
    assert len(seen) == len(edits) + 2


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


def test_outputs_changed_by_a_unit_that_is_not_current_are_its_own() -> None:
    recorded = {"HAS_TAG": 10, "HAD_TAG": 2, "Tag": 4, "MEMBER_OF": 6, "Community": 2, "SIMILAR_TO": 8,
                "SAME_PERSON_AS": 0}
    record = fp.Stored(None, None, fp.GraphState(recorded, {}, {}).outputs())
    current = fp.Stored("f", None, "{}")
    owners = refresh_module.OUTPUT_OWNERS

    def changed(counts: dict[str, int], similarity: fp.Stored | None) -> bool:
        stored = {fp.OUTPUT_UNIT: record, "social_community": current, "duplicate_identity": current}
        if similarity is not None:
            stored[SIMILARITY] = similarity
        return fp.GraphState({**recorded, **counts}, {}, stored).outputs_changed(owners)

    assert not changed({}, current)
    assert not changed({"HAS_TAG": 12}, current)  # tags may grow (incremental refreshes)
    assert changed({"HAS_TAG": 9}, current) and changed({"MEMBER_OF": 5}, current)
    # similarity cut off after clearing its links: not current, it runs anyway; nothing else has to
    assert changed({"SIMILAR_TO": 0}, current)
    assert not changed({"SIMILAR_TO": 0}, fp.Stored(None, None, "{}")) and not changed({"SIMILAR_TO": 0}, None)
    assert changed({"SIMILAR_TO": 0, "MEMBER_OF": 5}, None)  # memberships are still watched
    assert fp.GraphState(recorded, {}, {}).outputs_changed(owners)  # no record: everything runs


def test_every_structure_output_has_an_owning_unit() -> None:
    assert set(refresh_module.OUTPUT_OWNERS) == set(fp.STRUCTURE_OUTPUTS)
    units = {f.name for f in FAMILIES if f.algorithm} | {SIMILARITY}
    assert set(refresh_module.OUTPUT_OWNERS.values()) <= units
