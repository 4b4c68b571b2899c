"""Tag history: every version a customer's tags went through, and their tags as of a time.

A current tag is ``(:Customer)-[:HAS_TAG {since, weight, ...}]->(:Tag)``; when a refresh ends it,
or its weight moves more than :data:`ckg.graph.tags.refresh.WEIGHT_STEP` from the weight its
version began with, the old version becomes ``(:Customer)-[:HAD_TAG {validFrom, validTo, weight,
confidence, source, reason}]->(:Tag)``. Times are the refreshes' "as of" (the data's time, not the
wall clock). Retention: a full refresh prunes versions that ended more than
``CKG_TAG_HISTORY_DAYS`` before its "as of". What consent forbids is neither held nor remembered:
a withdrawal deletes the history of the tags it drops, and erasure deletes all of it.

The functions return plain dataclasses, so the API and the CLI adapt them without touching the
graph: :class:`TagVersion`, :class:`TagHistoryPage`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from ckg.graph.db import Database
from ckg.graph.errors import InputError, NotFound
from ckg.graph.queries import queries

MAX_PAGE = 500


@dataclass(frozen=True)
class TagVersion:
    """One version of one tag on one customer.

    ``valid_to`` is None for the current version (``HAS_TAG``); ``reason`` says why an ended
    version ended: ``ended`` (no longer derived) or ``weight_changed`` (a new version began).
    Times are ISO-8601 strings. ``cursor`` pages on after this version (:func:`tag_history`).
    """

    tag: str
    family: str | None
    dimension: str | None
    sensitive: bool
    weight: float | None
    confidence: float | None
    source: str | None
    valid_from: str | None
    valid_to: str | None
    reason: str | None
    cursor: str

    @property
    def current(self) -> bool:
        return self.valid_to is None


@dataclass(frozen=True)
class TagHistoryPage:
    """A page of versions, newest first; ``end_cursor`` is the ``after`` of the next page."""

    versions: list[TagVersion]
    has_next: bool
    end_cursor: str | None


def _cursor(row: dict[str, Any]) -> str:
    raw = json.dumps([row["validFrom"], row["tag"], row["key"]]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _after(cursor: str | None) -> tuple[str | None, str | None, str | None]:
    if cursor is None:
        return None, None, None
    try:
        valid_from, tag, key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error, TypeError) as exc:
        raise InputError(f"not a tag history cursor: {cursor!r}") from exc
    return str(valid_from), str(tag), str(key)


def _version(row: dict[str, Any]) -> TagVersion:
    return TagVersion(tag=row["tag"], family=row["family"], dimension=row["dimension"], sensitive=row["sensitive"],
                      weight=row["weight"], confidence=row["confidence"], source=row["source"],
                      valid_from=row["validFrom"], valid_to=row["validTo"], reason=row["reason"],
                      cursor=_cursor(row))


def tag_history(db: Database, customer_id: str, tag: str | None = None, *, first: int = 50,
                after: str | None = None, include_sensitive: bool = True) -> TagHistoryPage:
    """The customer's tag versions (of ``tag``, or all), newest first by when each began.

    Current versions are included (``valid_to`` None). ``include_sensitive=False`` leaves out
    sensitive tags (for callers not allowed to read them). Raises :class:`NotFound` for an unknown
    customer and :class:`InputError` for a bad page size or cursor.
    """
    if not 1 <= first <= MAX_PAGE:
        raise InputError(f"first must be between 1 and {MAX_PAGE}")
    after_from, after_tag, after_key = _after(after)
    rows = db.read(queries.tags.list_tag_history, id=customer_id, tag=tag, includeSensitive=include_sensitive,
                   afterFrom=after_from, afterTag=after_tag, afterKey=after_key, limit=first + 1)
    if not rows:
        raise NotFound(f"no customer {customer_id!r}")
    versions = [_version(r) for r in rows[0]["versions"]]
    page = versions[:first]
    return TagHistoryPage(page, len(versions) > first, page[-1].cursor if page else None)


def tags_as_of(db: Database, customer_id: str, as_of: str, *, include_sensitive: bool = True) -> list[TagVersion]:
    """The customer's tags as they stood at ``as_of`` (ISO-8601), by dimension, heaviest first.

    A current tag counts from its ``since``; an ended version while ``valid_from <= as_of <
    valid_to``. A current version shows its latest weight (moves within ``WEIGHT_STEP`` update
    it in place). Raises :class:`NotFound` for an unknown customer.
    """
    rows = db.read(queries.tags.list_tags_as_of, id=customer_id, asOf=as_of, includeSensitive=include_sensitive)
    if not rows:
        raise NotFound(f"no customer {customer_id!r}")
    return [_version(r) for r in rows[0]["tags"]]
