"""GraphiQL in a real browser: it renders from the package's own files, with no network beyond
127.0.0.1, and runs the portrait example with a token."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from ckg.graph.auth import Role


def test_graphiql_renders_offline_and_runs_the_portrait_example(base_url: str, open_page: Any,
                                                                tokens: dict[Role, str]) -> None:
    page, watched = open_page()
    page.goto(f"{base_url}/graphql")
    page.wait_for_selector(".graphiql-editor", timeout=20_000)
    assert "portrait(customerId: $id)" in page.locator(".graphiql-query-editor").inner_text()
    # Run the example with the token in the headers editor: the portrait comes back.
    page.locator("button[data-name=headers]").click()
    headers = page.locator(".graphiql-editor-tool .CodeMirror").last
    headers.click()
    page.keyboard.insert_text(json.dumps({"Authorization": f"Bearer {tokens[Role.ADMIN]}"}))
    page.locator(".graphiql-execute-button").click()
    page.wait_for_function("document.querySelector('.result-window')?.innerText.includes('dimensions')",
                           timeout=20_000)
    assert watched.errors == []
    assert watched.foreign(base_url) == []


def test_vendored_libraries_are_served_from_the_package(base_url: str) -> None:
    page = httpx.get(f"{base_url}/graphql", headers={"Accept": "text/html"}).text
    assert "unpkg.com" not in page and not re.search(r'(src|href)="(https?:)?//', page)
    js = httpx.get(f"{base_url}/static/vendor/graphiql/graphiql.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    again = httpx.get(js.url, headers={"If-None-Match": js.headers["etag"]})
    assert again.status_code == 304
    for bad in ("../app.py", "vendor/../../app.py", "%2e%2e/app.py", ".hidden", "vendor//x"):
        assert httpx.get(f"{base_url}/static/{bad}").status_code == 404
