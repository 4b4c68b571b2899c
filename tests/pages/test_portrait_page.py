"""The portrait page in headless Chromium, as the issue's "done when" puts it: paste a token, search a
customer, see the portrait by dimension as tag chips, open an explanation, see the neighbourhood
drawn; no console error and no request beyond 127.0.0.1. Analysts see no personal field; the page
works at 1400 and 390 px and with the keyboard; the token stays in sessionStorage."""

from __future__ import annotations

from typing import Any

import pytest

from ckg.graph.auth import Role
from ckg.graph.db import Database
from ckg.graph.queries import Query
from tests.pages.conftest import screenshot


@pytest.fixture(scope="module")
def rich_customer(session_db: Database, page_data: Any) -> str:
    """A customer with tags in 6 dimensions or more, at least 10 tags and similar customers."""
    rows = session_db.read(Query("test/rich", """
        MATCH (c:Customer)-[:HAS_TAG]->(t:Tag) WHERE NOT coalesce(t.sensitive, false)
        WITH c, count(DISTINCT t.dimension) AS dims, count(t) AS tags WHERE dims >= 6 AND tags >= 10
        MATCH (c)-[:SIMILAR_TO]-()
        RETURN c.customerId AS id ORDER BY id LIMIT 1"""))  # type: ignore[arg-type]
    assert rows, "the page dataset has no customer with 6 dimensions, 10 tags and look-alikes"
    return str(rows[0]["id"])


def open_portrait(open_page: Any, base_url: str, token: str, customer: str, width: int = 1400) -> tuple[Any, Any]:
    page, watched = open_page(width, 900)
    page.goto(f"{base_url}/")
    page.get_by_test_id("token").fill(token)
    page.get_by_test_id("token").press("Enter")
    page.get_by_test_id("search").fill(customer)
    page.get_by_test_id("search").press("Enter")
    page.get_by_test_id("portrait").locator("[data-testid=dimension]").first.wait_for(timeout=30_000)
    return page, watched


def test_admin_finds_a_customer_reads_the_portrait_an_explanation_and_the_neighbourhood(
        base_url: str, open_page: Any, tokens: dict[Role, str], rich_customer: str) -> None:
    page, watched = open_portrait(open_page, base_url, tokens[Role.ADMIN], rich_customer)
    portrait = page.get_by_test_id("portrait")
    assert portrait.locator("[data-testid=dimension]").count() >= 6
    assert portrait.locator("[data-testid=tag]").count() >= 10
    assert rich_customer in portrait.inner_text()
    page.get_by_test_id("tag").nth(2).click()
    explanation = page.get_by_test_id("explanation")
    explanation.locator(".sentence").wait_for(timeout=20_000)
    sentence = explanation.locator(".sentence").inner_text()
    assert sentence.startswith(f"{rich_customer} carries ") and sentence.rstrip().endswith(".") and len(sentence) > 40
    assert explanation.get_by_text("Evidence").count() == 1
    graph = page.get_by_test_id("neighbourhood")
    graph.locator("canvas, svg").first.wait_for(timeout=20_000)
    assert graph.locator("canvas, svg").count() >= 1
    assert "similar with score" in graph.inner_text()
    screenshot(page, "portrait")
    # The token lives in this tab's sessionStorage only: never in the URL nor in localStorage.
    assert tokens[Role.ADMIN] not in page.url
    assert page.evaluate("sessionStorage.getItem('ckg.token')") == tokens[Role.ADMIN]
    assert page.evaluate("localStorage.length") == 0
    assert watched.errors == []
    assert watched.foreign(base_url) == []


def test_an_analyst_sees_no_personal_field_and_no_sensitive_tag_at_390px(
        base_url: str, open_page: Any, tokens: dict[Role, str], session_db: Database,
        sensitive_holders: list[str]) -> None:
    holder = sensitive_holders[0]
    row = session_db.read(Query("test/pii", "MATCH (c:Customer {customerId: $id}) RETURN c.name AS name, "  # type: ignore[arg-type]
                                "c.email AS email"), id=holder)[0]
    page, watched = open_portrait(open_page, base_url, tokens[Role.ANALYST], holder, width=390)
    text = page.get_by_test_id("portrait").inner_text()
    assert row["email"] not in text and row["name"] not in text
    assert text.count("not shown to your role") == 3
    tags = page.get_by_test_id("tag").evaluate_all("els => els.map(e => e.dataset.tag)")
    assert tags and not [t for t in tags if t.startswith("life_stage:")]
    # Nothing wider than the phone's screen, and the explanation still opens.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("tag").first.click()
    page.get_by_test_id("explanation").locator(".sentence").wait_for(timeout=20_000)
    screenshot(page, "portrait-analyst-390")
    assert watched.errors == []
    assert watched.foreign(base_url) == []


def test_keyboard_only_search_and_explanation(base_url: str, open_page: Any, tokens: dict[Role, str],
                                              rich_customer: str) -> None:
    page, watched = open_page(1400, 900)
    page.goto(f"{base_url}/")
    visited = []
    for _ in range(10):  # the skip link, the home link, the nav, then the token field
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.dataset.testid || document.activeElement.textContent"))
        if visited[-1] == "token":
            break
    assert visited[0] == "Skip to the portrait" and visited[-1] == "token", visited
    page.keyboard.type(tokens[Role.MARKETER])
    page.keyboard.press("Enter")
    page.get_by_test_id("search").focus()
    page.keyboard.type(rich_customer)
    page.keyboard.press("Enter")
    chip = page.get_by_test_id("tag").first
    chip.wait_for(timeout=30_000)
    chip.focus()
    page.keyboard.press("Enter")
    page.get_by_test_id("explanation").locator(".sentence").wait_for(timeout=20_000)
    assert page.evaluate("document.activeElement.dataset.testid") == "explanation"
    assert chip.get_attribute("aria-expanded") == "true"
    labels = page.evaluate("[...document.querySelectorAll('input')].every(i => i.labels.length > 0)")
    assert labels
    assert watched.errors == []


def test_a_marketer_finds_a_customer_by_email(base_url: str, open_page: Any, tokens: dict[Role, str],
                                              session_db: Database, rich_customer: str) -> None:
    email = session_db.read(Query("test/email", "MATCH (c:Customer {customerId: $id}) "  # type: ignore[arg-type]
                                  "RETURN c.email AS email"), id=rich_customer)[0]["email"]
    page, watched = open_portrait(open_page, base_url, tokens[Role.MARKETER], email)
    assert f"Customer {rich_customer}" in page.get_by_test_id("portrait").inner_text()
    assert email in page.get_by_test_id("portrait").inner_text()
    assert watched.errors == []
