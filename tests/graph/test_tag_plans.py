"""The refresh's per-subject tag reads start from the subject, whatever the statistics.

A plan is made once and cached: one made while the graph held no tags (the first refresh after a
load) that started from the families' ``Tag`` nodes would walk every holder of those tags for each
id, a cost that grows with every chunk written (at 200k customers the second chunk's read ran for
minutes). The test graph holds subjects but no tags, the statistics under which that plan was chosen.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ckg.graph.db import Database
from ckg.graph.maintenance import delete_all_data
from ckg.graph.queries import queries

PER_SUBJECT = ["tags.list_current_customer_tags", "tags.list_current_enterprise_tags",
               "tags.end_customer_tags", "tags.end_enterprise_tags",
               "tags.explain_customer_tag", "tags.explain_enterprise_tag"]
#: Operators that find nodes by label or index: where a plan can start.
STARTS = ("NodeByLabelScan", "NodeIndexSeek", "NodeUniqueIndexSeek", "NodeIndexScan", "NodeIndexContainsScan",
          "NodeIndexEndsWithScan", "MultiNodeIndexSeek")


def operators(plan: Any) -> list[tuple[str, str]]:
    found = [(plan["operatorType"].split("@")[0], str(plan["args"].get("Details", "")))]
    for child in plan.get("children", []):
        found += operators(child)
    return found


@pytest.fixture(scope="module")
def subjects_without_tags(session_db: Database) -> Iterator[None]:
    """Customers and enterprises as a load leaves them: many, none holding a tag yet."""
    delete_all_data(session_db)
    with session_db.driver.session() as session:
        session.run("UNWIND range(1, 20000) AS i CREATE (:Customer {customerId: 'c' + toString(i)})").consume()
        session.run("UNWIND range(1, 2000) AS i CREATE (:Enterprise {enterpriseId: 'e' + toString(i)})").consume()
        # the index statistics of a fresh load: the Tag indexes sampled empty, as the import leaves them
        for name in session.run("SHOW INDEXES YIELD name, labelsOrTypes WHERE 'Tag' IN labelsOrTypes "
                                "RETURN name").value():
            session.run("CALL db.resampleIndex($name)", name=name).consume()
        session.run("CALL db.awaitIndexes(300)").consume()
    yield
    delete_all_data(session_db)


@pytest.mark.parametrize("name", PER_SUBJECT)
def test_a_subjects_tags_are_read_from_the_subject(subjects_without_tags: None, session_db: Database,
                                                   name: str) -> None:
    area, file = name.split(".")
    text = getattr(getattr(queries, area), file).text
    with session_db.driver.session() as session:
        assert session.run("MATCH (t:Tag) RETURN count(t) AS n").single()["n"] == 0  # type: ignore[index]
        # a comment of its own: planned now, not taken from the server's cache
        plan = session.run(f"EXPLAIN {text}\n// {name} planned on a graph without tags").consume().plan

    starts = [(op, details) for op, details in operators(plan) if op.startswith(STARTS)]
    assert starts, "the plan finds its subjects somewhere"
    assert all(":Tag" not in details for _, details in starts), starts
    assert any(":Customer" in details or ":Enterprise" in details for _, details in starts), starts
