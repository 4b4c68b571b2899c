"""The reports page in headless Chromium (every report draws a plot, no console error, nothing
fetched beyond 127.0.0.1) and the ``referralFission`` field with every role."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ckg.graph.auth import Role
from ckg.graph.db import Database
from ckg.graph.queries import Query
from tests.pages.conftest import screenshot

REPORTS = ("channel-quality", "marketing-sensitivity", "referral-fission", "warehouse-demand", "tag-coverage",
           "data-quality")
FISSION = ("{ referralFission(largest: 2) { cascades { depth size count } "
           "trees { root size depth edges { source target } } } }")


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMIN])
def test_every_report_draws_a_plot(base_url: str, open_page: Any, tokens: dict[Role, str], role: Role) -> None:
    page, watched = open_page(1400, 1000)
    page.goto(f"{base_url}/reports")
    page.get_by_test_id("token").fill(tokens[role])
    page.get_by_test_id("token").press("Enter")
    page.locator("[data-report=data-quality] svg").wait_for(timeout=60_000)
    shown = {r.get_attribute("data-report"): r for r in page.get_by_test_id("report").all()}
    assert set(shown) == set(REPORTS)
    for name, section in shown.items():
        assert section.locator(".plot svg rect").count() > 0, f"{name} has no bars"
    page.locator("[data-report=referral-fission] .tree canvas").first.wait_for(timeout=20_000)
    if role is Role.ANALYST:
        screenshot(page, "reports")
    assert "life_stage" not in page.content()
    assert watched.errors == []
    assert watched.foreign(base_url) == []


def test_the_reports_page_fits_a_phone(base_url: str, open_page: Any, tokens: dict[Role, str]) -> None:
    page, watched = open_page(390, 900)
    page.goto(f"{base_url}/reports")
    page.get_by_test_id("token").fill(tokens[Role.MARKETER])
    page.get_by_test_id("token").press("Enter")
    page.locator("[data-report=data-quality] svg").wait_for(timeout=60_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert watched.errors == []


@pytest.mark.parametrize("role", list(Role))
def test_referral_fission_counts_cascades_and_names_no_person(gql: Any, session_db: Database, role: Role,
                                                              sensitive_holders: list[str]) -> None:
    body = gql(FISSION, role)
    assert "errors" not in body
    f = body["data"]["referralFission"]
    roots = session_db.read(Query("test/roots", """MATCH (r:Customer) WHERE EXISTS { (r)-[:REFERRED]->() }
        AND NOT EXISTS { ()-[:REFERRED]->(r) } RETURN count(r) AS n"""))[0]["n"]  # type: ignore[arg-type]
    assert sum(c["count"] for c in f["cascades"]) == roots > 0
    biggest = f["trees"][0]
    assert biggest["size"] == max(c["size"] for c in f["cascades"])
    assert len({e["target"] for e in biggest["edges"]}) == biggest["size"]
    text = json.dumps(f)
    people = session_db.read(Query("test/people", "MATCH (c:Customer) WHERE c.customerId IN $ids "  # type: ignore[arg-type]
                                   "RETURN c.name AS name, c.email AS email"),
                             ids=[e["target"] for e in biggest["edges"]] + sensitive_holders[:1])
    assert not [p for p in people if p["name"] in text or p["email"] in text]
    assert "life_stage" not in text


@pytest.mark.parametrize("name", REPORTS)
def test_ckg_report_renders_each_report_as_png_and_csv(name: str, settings: Any, monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Any, page_data: Any) -> None:
    from typer.testing import CliRunner

    from ckg.cli import report_commands
    from ckg.cli.main import app as cli

    monkeypatch.setattr(report_commands, "get_settings", lambda: settings)
    for suffix in ("png", "csv"):
        out = tmp_path / f"{name}.{suffix}"
        result = CliRunner().invoke(cli, ["report", name, "--out", str(out)], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = (tmp_path / f"{name}.csv").read_text().splitlines()
    assert len(lines) > 1 and "life_stage" not in "".join(lines)
    bad = CliRunner().invoke(cli, ["report", name, "--out", str(tmp_path / "x.pdf")])
    assert bad.exit_code == 1 and "error:" in bad.output
