"""What a loader reports about bad input."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MAX_VALUE_IN_REPORT = 120


@dataclass(frozen=True)
class RowError:
    """One rejected row (or, with ``line`` 0, a whole file): where, which field, what, why."""

    file: str
    line: int
    field: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" field {self.field!r}" if self.field else ""
        value = f" value {self.value!r}" if self.value else ""
        return f"{where}{field}{value}: {self.reason}"


def shorten(value: Any) -> str:
    """A printable, bounded rendering of an offending value."""
    text = value if isinstance(value, str) else repr(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) > MAX_VALUE_IN_REPORT:
        return text[:MAX_VALUE_IN_REPORT] + f"... ({len(text)} chars)"
    return text
