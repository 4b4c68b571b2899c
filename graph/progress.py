"""One progress style for long work (loads, tag refreshes): named tasks that start, advance and end.

The CLI draws Rich progress bars from these calls; library callers pass nothing and get
:class:`NoProgress`.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, name: str, total: int) -> None:
        """A task begins; ``total`` is in the task's own unit (bytes, chunks), 0 when unknown."""

    def advance(self, name: str, done: int) -> None:
        """``done`` units of the task are finished so far."""

    def end(self, name: str) -> None:
        """The task is finished."""


class NoProgress:
    """Progress that reports nowhere."""

    def start(self, name: str, total: int) -> None:
        pass

    def advance(self, name: str, done: int) -> None:
        pass

    def end(self, name: str) -> None:
        pass
