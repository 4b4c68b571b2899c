"""The Cypher catalogue: one statement per file, found by area and name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ckg.graph.errors import QueryNotFound
from ckg.graph.queries import QueryCatalog, queries


def test_every_cypher_file_loads_with_one_statement() -> None:
    names = queries.names()
    assert "admin/count_nodes" in names
    assert len(queries.schema) >= 20
    assert queries.get("admin/count_nodes").text.startswith("MATCH")


def test_unknown_query_names_the_missing_file() -> None:
    with pytest.raises(QueryNotFound, match="cypher/admin/nope.cypher"):
        _ = queries.admin.nope


def test_two_statements_in_one_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "area").mkdir()
    (tmp_path / "area" / "two_things.cypher").write_text("RETURN 1; RETURN 2")
    with pytest.raises(ValueError, match="one statement per file"):
        QueryCatalog(tmp_path).names()


def test_semicolon_inside_string_is_not_a_second_statement(tmp_path: Path) -> None:
    (tmp_path / "area").mkdir()
    (tmp_path / "area" / "ok_query.cypher").write_text("RETURN 'a;b' AS x;")
    assert QueryCatalog(tmp_path).get("area/ok_query").text == "RETURN 'a;b' AS x"


def test_no_query_text_is_built_by_formatting() -> None:
    """Cypher lives in files; Python modules must not run f-strings or .format() as queries."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for package in ("graph", "gql", "loaders", "cli"):
        for path in (root / package).rglob("*.py"):
            text = path.read_text()
            for needle in ('.run(f"', ".run(f'", 'Query(f"', "Query(f'", ".format(" + "query"):
                if needle in text:
                    offenders.append(f"{path.name}: {needle}")
    assert offenders == []


def test_an_included_statement_becomes_a_subquery(tmp_path: Path) -> None:
    (tmp_path / "area").mkdir()
    (tmp_path / "area" / "pairs.cypher").write_text("// the pattern\nMATCH (a)-->(b) RETURN a, b")
    (tmp_path / "area" / "stream_pairs.cypher").write_text("CALL () { {{ include area/pairs }} }\nRETURN a, b")
    catalog = QueryCatalog(tmp_path)
    assert catalog.get("area/stream_pairs").text == "CALL () { MATCH (a)-->(b) RETURN a, b }\nRETURN a, b"
    assert catalog.get("area/pairs").text == "MATCH (a)-->(b) RETURN a, b"


def test_including_a_missing_file_names_it(tmp_path: Path) -> None:
    (tmp_path / "area").mkdir()
    (tmp_path / "area" / "uses_nothing.cypher").write_text("CALL () { {{ include area/nothing }} } RETURN 1")
    with pytest.raises(ValueError, match="cypher/area/nothing.cypher, which does not exist"):
        QueryCatalog(tmp_path).names()


def test_the_identity_and_social_patterns_have_one_home() -> None:
    """Each engine reads the same pattern: networkx streams it, GDS projects it (social) or the
    pairs the identity weighing accepted from it (identity), never a second copy of the MATCH."""
    social = queries.get("algorithms/social_ties").text
    for user in ("stream_social_edges", "project_social", "project_social_communities"):
        assert social in queries.get(f"algorithms/{user}").text
    identity = queries.get("algorithms/identity_pairs").text
    assert identity in queries.get("algorithms/stream_identity_edges").text
    copies = [q.name for q in queries.algorithms if ":USES]->(" in q.text or "[:USES]-(" in q.text]
    assert copies == ["algorithms/identity_pairs", "algorithms/stream_identity_edges"], copies


# A customer variable bound next to an algorithm output in a pattern, or whose scores are read.
_OUTPUT_ENDS = (
    re.compile(r"\((\w+)(?::Customer)?[^()]*\)-\[\w*:(?:MEMBER_OF|SIMILAR_TO)\]-"),  # (c)-[:MEMBER_OF]->
    re.compile(r"-\[\w*:(?:MEMBER_OF|SIMILAR_TO)\]-\((\w+):Customer"),  # <-[:MEMBER_OF]-(m:Customer)
    re.compile(r"\b(\w+)\.(?:pAlive|expectedPurchases90d)\b"),
)


def _output_ends(text: str) -> set[str]:
    return {m.group(1) for pattern in _OUTPUT_ENDS for m in pattern.finditer(text)}


def test_every_api_read_of_an_algorithm_output_checks_profiling_consent() -> None:
    """Communities, similarity links and BG/NBD scores are profiling (graph.consent): every API
    statement that reads one names the consent of each customer it reads it for, so what was
    written before a withdrawal is never shown."""
    reading = {q.name: _output_ends(q.text) for q in queries.api if _output_ends(q.text)}
    assert {"api/get_portrait", "api/get_customers", "api/get_similar_customers", "api/recommend_community",
            "api/list_customer_ids"} <= set(reading)
    missing = {name: sorted(v for v in ends if f"'profiling' IN {v}.allowedUses" not in queries.get(name).text)
               for name, ends in reading.items()}
    assert not {k: v for k, v in missing.items() if v}, missing


def test_the_output_check_finds_both_ends_of_a_link() -> None:
    ends = _output_ends("MATCH (c:Customer {customerId: $id})-[s:SIMILAR_TO]-(o:Customer) RETURN c.pAlive")
    assert ends == {"c", "o"}
    assert _output_ends("MATCH (k)<-[:MEMBER_OF]-(m:Customer) RETURN k") == {"m"}


def test_portrait_heads_return_the_customer_fields_the_portrait_returns() -> None:
    """A cached portrait answer is served only while its head equals the portrait's customer part:
    a field in one statement and not the other would make every lookup miss (or match on less)."""
    def returned(text: str) -> list[str]:
        clause = text[text.index("RETURN"):]
        clause = re.sub(r"COLLECT \{.*?\} END", "", clause, flags=re.S)  # the portrait's tags and communities
        return re.findall(r"\bAS (\w+)", clause)

    portrait = [c for c in returned(queries.api.get_portrait.text) if c not in ("tags", "communities")]
    heads = [c for c in returned(queries.api.get_portrait_heads.text) if c != "version"]  # returned as is there
    assert portrait == heads and "allowedUses" in heads
