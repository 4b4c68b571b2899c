"""Pages for people, beside the API: the portrait (``/``), the reports (``/reports``), the Neo4j
Browser guide (``/guide``) and the static files they load (``/static/...``).

The pages hold no data: they are static files from the package that talk only to ``/graphql`` with
the bearer token the person pastes (kept in sessionStorage, never in the URL). The guide is fetched
by Neo4j Browser from its own origin (``:play http://localhost:8000/guide``), so it and the GraSS
style it applies are served with ``Access-Control-Allow-Origin: *``; they hold no data either.
"""

from __future__ import annotations

import html
from functools import lru_cache

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ckg.gql.assets import Asset, asset, text

#: Browser guides and styles are read cross-origin by Neo4j Browser.
CROSS_ORIGIN = ("pages/guide.html", "pages/ckg.grass")
#: The pages themselves are small and change with the package: revalidate every time. Vendored
#: libraries are versioned by the package too, but are large: cache for an hour.
NO_CACHE, VENDOR_CACHE = "no-cache", "public, max-age=3600"
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


@lru_cache(maxsize=1)
def guide_asset() -> Asset:
    """The guide, with the GraSS style inlined in its ``:style`` block (one source for both)."""
    body = text("pages/guide.html").replace("__GRASS__", html.escape(text("pages/ckg.grass").strip()))
    return Asset.of(body.encode("utf-8"), "text/html; charset=utf-8")


def _serve(request: Request, path: str) -> Response:
    found = guide_asset() if path == "pages/guide.html" else asset(path)
    if found is None:
        return Response("not found", status_code=404, media_type="text/plain")
    headers = {"ETag": found.etag, **SECURITY_HEADERS,
               "Cache-Control": VENDOR_CACHE if path.startswith("vendor/") else NO_CACHE}
    if path in CROSS_ORIGIN:
        headers["Access-Control-Allow-Origin"] = "*"
    if path.endswith(".html"):
        # Pages load scripts only from this server and talk only to it.
        headers["Content-Security-Policy"] = ("default-src 'self'; img-src 'self' data: blob:; "
                                              "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
    if request.headers.get("if-none-match") == found.etag:
        return Response(status_code=304, headers=headers)
    return Response(found.body, media_type=found.media_type, headers=headers)


async def static(request: Request) -> Response:
    return _serve(request, request.path_params["path"])


async def portrait_page(request: Request) -> Response:
    return _serve(request, "pages/portrait.html")


async def reports_page(request: Request) -> Response:
    return _serve(request, "pages/reports.html")


def _preflight(request: Request) -> Response:
    # Browser's fetch of a guide sends headers of its own, so the browser asks first (CORS preflight).
    asked = request.headers.get("access-control-request-headers", "")
    return Response(status_code=204, headers={"Access-Control-Allow-Origin": "*",
                                              "Access-Control-Allow-Methods": "GET, OPTIONS",
                                              "Access-Control-Allow-Headers": asked[:1000],
                                              "Access-Control-Max-Age": "600"})


async def guide(request: Request) -> Response:
    return _preflight(request) if request.method == "OPTIONS" else _serve(request, "pages/guide.html")


async def grass(request: Request) -> Response:
    return _preflight(request) if request.method == "OPTIONS" else _serve(request, "pages/ckg.grass")


ROUTES = [
    Route("/", portrait_page, methods=["GET"]),
    Route("/reports", reports_page, methods=["GET"]),
    Route("/guide", guide, methods=["GET", "OPTIONS"]),
    Route("/guide/ckg.grass", grass, methods=["GET", "OPTIONS"]),
    Route("/static/{path:path}", static, methods=["GET"]),
]
