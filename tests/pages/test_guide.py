"""The Neo4j Browser guide in the real Browser (the one the test Neo4j serves): ``:play`` fetches it
from ``http://localhost:<port>/guide`` (Browser's default allow-list names localhost), its slides
show, the ``:style`` block applies ckg's GraSS, and a portrait query draws styled nodes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.pages.conftest import screenshot

SLIDES = 8
CUSTOMER_COLOUR, TAG_COLOUR = "#2F6F8F", "#D9822B"  # node.Customer and node.Tag in ckg.grass


def test_guide_is_browser_guide_html_readable_cross_origin(base_url: str) -> None:
    resp = httpx.get(f"{base_url}/guide", headers={"Origin": "http://127.0.0.1:7474"})
    assert resp.status_code == 200 and resp.headers["access-control-allow-origin"] == "*"
    page = resp.text
    assert '<article class="guide' in page and "<carousel" in page and page.count("<slide") == SLIDES
    assert "node.Customer {" in page and "__GRASS__" not in page
    pre = httpx.options(f"{base_url}/guide", headers={"Origin": "http://127.0.0.1:7474",
                                                      "Access-Control-Request-Method": "GET",
                                                      "Access-Control-Request-Headers": "x-ajax-browser-auth"})
    assert pre.status_code == 204 and pre.headers["access-control-allow-headers"] == "x-ajax-browser-auth"
    grass = httpx.get(f"{base_url}/guide/ckg.grass")
    assert grass.status_code == 200 and "node.Tag {" in grass.text


def _run_block(page: Any, text: str) -> None:
    """Click a runnable block (Browser puts it in the editor), wait until it is there, and run it."""
    page.locator("pre.runnable", has_text=text).first.click()
    page.wait_for_function("t => [...document.querySelectorAll('.monaco-editor .view-lines')]"
                           ".some(v => v.innerText.replace(/\\s+/g, ' ').includes(t))", arg=text, timeout=10_000)
    frames = page.locator("[data-testid=frameCommand]").count()
    page.locator("[data-testid=editor-Run]").first.click()
    page.wait_for_function("n => document.querySelectorAll('[data-testid=frameCommand]').length > n", arg=frames,
                           timeout=20_000)


def test_neo4j_browser_plays_the_guide_and_applies_the_style(base_url: str, neo4j_server: Any,
                                                              open_page: Any) -> None:
    if neo4j_server.instance is None:
        pytest.skip("an external Neo4j (CKG_TEST_NEO4J_URI): its Browser is not known here")
    settings = neo4j_server.settings
    inst = neo4j_server.instance
    page, _ = open_page(1400, 1000)  # Browser itself calls out (telemetry, guides.neo4j.com): not ours to judge
    page.goto(f"http://127.0.0.1:{inst.http_port}/browser/?dbms=bolt://127.0.0.1:{inst.bolt_port}"
              "&preselectAuthMethod=basic")
    method = page.locator("[data-testid=authenticationMethod]")
    method.wait_for(timeout=60_000)
    method.select_option("NO_AUTH")  # Browser shows the user and password fields once a method is chosen
    method.select_option("NATIVE")
    page.fill("[data-testid=username]", settings.neo4j_user)
    page.fill("[data-testid=password]", settings.password)
    page.click("[data-testid=connect]")
    page.wait_for_selector("text=You are connected as user", timeout=30_000)

    guide_url = base_url.replace("127.0.0.1", "localhost") + "/guide"
    page.locator(".monaco-editor").first.click()
    page.keyboard.type(f":play {guide_url}")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=ckg: the customer knowledge graph", timeout=30_000)
    assert page.get_by_text(f"1 / {SLIDES}").count() == 1

    _run_block(page, ":style")
    page.wait_for_selector("[data-testid=styleResetButton]", timeout=20_000)
    page.get_by_text("ckg: the customer knowledge graph").scroll_into_view_if_needed()
    screenshot(page, "guide")
    nxt = page.locator("[data-testid=nextSlide]").first
    nxt.click()
    nxt.click()
    page.wait_for_selector("text=Every tag a customer holds", timeout=10_000)
    _run_block(page, ":param id")
    _run_block(page, "RETURN p")
    page.wait_for_selector("svg .node", timeout=30_000)
    fills = set(page.evaluate("[...document.querySelectorAll('svg .node circle.b-outline')]"
                              ".map(c => c.getAttribute('fill'))"))
    assert {CUSTOMER_COLOUR, TAG_COLOUR} <= fills
    captions = page.evaluate("[...document.querySelectorAll('svg .node text.caption')].map(t => t.textContent)")
    assert any("c0000001" in c for c in captions)  # customers are captioned by id, not by name
    page.locator("svg .node").first.scroll_into_view_if_needed()
    screenshot(page, "guide-portrait")
