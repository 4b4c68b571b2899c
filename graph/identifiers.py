"""The rule every identifier follows (dataset ids, segment names, token names): 1-200 characters,
no control characters and no invisible formatting characters (bidirectional overrides, zero-width
joiners), so an id prints as what it is and cannot disguise itself as another."""

from __future__ import annotations

import unicodedata

MAX_ID = 200


def identifier_problem(value: str) -> str | None:
    """Why ``value`` is not a valid identifier, or None when it is."""
    if not value or not value.strip():
        return "must not be empty"
    if len(value) > MAX_ID:
        return f"must be at most {MAX_ID} characters"
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cc":
            return f"may not contain control characters (U+{ord(ch):04X})"
        if category in ("Cf", "Cs", "Co", "Cn"):
            return f"may not contain invisible or unassigned characters (U+{ord(ch):04X})"
    return None
