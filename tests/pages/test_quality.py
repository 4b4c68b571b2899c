"""The data-quality report: ``ckg load`` keeps its report as (:Load) nodes, ``dataQuality`` and
``ckg quality`` give each check a threshold and a status, and no role learns a personal value or
anything about sensitive tags from it (a planted sensitive tag changes no number)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ckg.cli import quality_commands
from ckg.cli.main import app as cli
from ckg.graph.auth import Role
from ckg.graph.db import Database
from ckg.graph.quality import THRESHOLDS, Threshold
from ckg.graph.queries import Query
from ckg.graph.settings import Settings

QUALITY = '''{ dataQuality(staleDays: 90) { status asOf staleDays
  checks { area name value count total threshold status detail }
  loads { loadId at source file read loaded rejected suppressed skipped stoppedEarly } } }'''
AREAS = {"completeness", "rejected", "duplicates", "stale", "orphans", "consent", "tags"}
#: Areas with a check only when there is something to say (an unfinished load).
OCCASIONAL = {"loads"}


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


def test_thresholds_give_statuses_both_ways() -> None:
    up, down = Threshold(0.9, 0.5, True), Threshold(0.01, 0.05, False)
    assert [up.status(v) for v in (0.95, 0.9, 0.6, 0.1)] == ["ok", "ok", "warn", "fail"]
    assert [down.status(v) for v in (0.0, 0.01, 0.03, 0.2)] == ["ok", "ok", "warn", "fail"]
    assert set(THRESHOLDS) == AREAS | OCCASIONAL


def test_a_load_is_kept_as_load_nodes_with_its_counts(session_db: Database, page_data: Path) -> None:
    rows = session_db.read(q("MATCH (l:Load) RETURN l.file AS file, l.read AS read, l.loaded AS loaded, "
                             "l.rejected AS rejected, l.source AS source"))
    by_file = {r["file"]: r for r in rows}
    assert by_file["customers.csv"]["loaded"] == by_file["customers.csv"]["read"] > 0
    assert all(r["rejected"] == 0 and r["source"] == page_data.name for r in rows)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_every_check_with_a_threshold_and_status(gql: Any, role: Role) -> None:
    body = gql(QUALITY, role)
    assert "errors" not in body
    report = body["data"]["dataQuality"]
    assert report["staleDays"] == 90 and report["status"] in ("ok", "warn", "fail")
    assert {c["area"] for c in report["checks"]} == AREAS
    for c in report["checks"]:
        assert c["status"] in ("ok", "warn", "fail") and c["threshold"].startswith("ok ")
        assert 0 <= c["value"] <= 1 and c["count"] <= c["total"]
    assert any(f["file"] == "customers.csv" and f["read"] > 0 for f in report["loads"])


@pytest.mark.parametrize("role", list(Role))
def test_the_report_reveals_no_personal_value_and_no_sensitive_tag(gql: Any, session_db: Database, role: Role,
                                                                   sensitive_holders: list[str]) -> None:
    # Someone with no other tag of the sensitive tag's dimension: a count of that dimension that
    # included sensitive tags would move when they get one.
    cid = session_db.read(q("""MATCH (c:Customer) WHERE NOT EXISTS {
                                 (c)-[:HAS_TAG]->(:Tag {dimension: 'content_preference'}) }
                               RETURN c.customerId AS id, c.email AS email, c.name AS name, c.phone AS phone
                               ORDER BY id LIMIT 1"""))[0]
    before = gql(QUALITY, role)["data"]["dataQuality"]
    session_db.write(q("""MATCH (c:Customer {customerId: $id}), (t:Tag {name: 'life_stage:expecting_parent'})
                          CREATE (c)-[:HAS_TAG {weight: 0.5, confidence: 0.5, computedAt: datetime(),
                                                source: 'test', evidence: []}]->(t)"""), id=cid["id"])
    try:
        after = gql(QUALITY, role)["data"]["dataQuality"]
    finally:
        session_db.write(q("MATCH (:Customer {customerId: $id})-[h:HAS_TAG]->"
                           "(:Tag {name: 'life_stage:expecting_parent'}) DELETE h"), id=cid["id"])
    assert after["checks"] == before["checks"]
    text = json.dumps(after)
    assert "life_stage" not in text and "expecting_parent" not in text
    holder = session_db.read(q("MATCH (c:Customer {customerId: $id}) RETURN c.email AS email, c.name AS name, "
                               "c.phone AS phone"), id=sensitive_holders[0])[0]
    for person in (cid, holder):
        assert person["email"] not in text and person["name"] not in text and person["phone"] not in text


def test_ckg_quality_prints_the_same_checks(settings: Settings, monkeypatch: pytest.MonkeyPatch, gql: Any) -> None:
    monkeypatch.setattr(quality_commands, "get_settings", lambda: settings)
    result = CliRunner().invoke(cli, ["quality", "--json", "--stale-days", "90"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    api = gql(QUALITY, Role.ANALYST)["data"]["dataQuality"]
    assert [(c["name"], c["status"]) for c in printed["checks"]] == [(c["name"], c["status"]) for c in api["checks"]]
    table = CliRunner().invoke(cli, ["quality"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "Data quality as of" in table.output and "completeness" in table.output
