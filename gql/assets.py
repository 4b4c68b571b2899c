"""Files the API serves, read from the package with :mod:`importlib.resources` (a wheel works too).

Everything lives under ``gql/static/``: the pages ckg writes (``pages/``) and the browser libraries
vendored from npm at build time (``vendor/``, see ``web/`` and ``make vendor``). Nothing is fetched
from a CDN, so the pages work on a machine without internet access. Files are read once and kept.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

ROOT = "static"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".json": "application/json", ".grass": "text/plain; charset=utf-8",
         ".svg": "image/svg+xml", ".png": "image/png", "": "text/plain; charset=utf-8"}


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    etag: str

    @staticmethod
    def of(body: bytes, media_type: str) -> Asset:
        return Asset(body=body, media_type=media_type, etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"')


def _safe(path: str) -> list[str] | None:
    parts = path.split("/")
    if not path or any(p in ("", ".", "..") or "\\" in p or p.startswith(".") for p in parts):
        return None
    return parts


@lru_cache(maxsize=256)
def asset(path: str) -> Asset | None:
    """The file at ``static/<path>``, or None when there is none (or the path tries to leave ``static/``)."""
    parts = _safe(path)
    if parts is None:
        return None
    resource = files("ckg.gql").joinpath(ROOT, *parts)
    if not resource.is_file():
        return None
    body = resource.read_bytes()
    suffix = "." + parts[-1].rsplit(".", 1)[1] if "." in parts[-1] else ""
    media = TYPES.get(suffix) or mimetypes.guess_type(parts[-1])[0] or "application/octet-stream"
    return Asset.of(body, media)


def text(path: str) -> str:
    """A page template or other text file of ``static/``; a missing one is a packaging bug, so it raises."""
    found = asset(path)
    if found is None:
        raise FileNotFoundError(f"ckg.gql/{ROOT}/{path} is missing from the package")
    return found.body.decode("utf-8")
