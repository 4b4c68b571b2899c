"""Relay paging arguments: page sizes and opaque cursors, checked before any query runs."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

import strawberry

from ckg.graph.errors import CkgError

MAX_PAGE = 100
#: The ``first`` argument of every list: a page of 1 to 100 items (else a BAD_PAGE_SIZE error).
First = Annotated[int, strawberry.argument(description=f"Page size, 1 to {MAX_PAGE} (else a BAD_PAGE_SIZE error).")]
After = Annotated[str | None, strawberry.argument(description="A cursor from a previous page (else BAD_CURSOR).")]


class PageSizeError(CkgError):
    """``first`` outside 1..100."""

    code = "BAD_PAGE_SIZE"


class CursorError(CkgError):
    """An ``after`` cursor this API did not hand out (malformed, or from another list)."""

    code = "BAD_CURSOR"


def check_first(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise PageSizeError(f"first must be between 1 and {MAX_PAGE}, got {first}")
    return first


def encode_cursor(kind: str, value: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode()


def decode_cursor(kind: str, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise CursorError("malformed cursor") from None
    prefix, _, value = text.partition(":")
    if prefix != kind:
        raise CursorError("cursor from another list")
    return value


def decode_offset(kind: str, cursor: str | None) -> int:
    """The position after an offset cursor (0 without one)."""
    value = decode_cursor(kind, cursor)
    if value is None:
        return 0
    if not value.isdigit():
        raise CursorError("malformed cursor")
    return int(value) + 1
