"""Console output and the one place CLI commands turn ckg errors into one-line messages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console

from ckg.graph.errors import CkgError

console = Console()
err_console = Console(stderr=True, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    return typer.Exit(code)


def friendly_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Print expected errors as one line and exit 1 instead of showing a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CkgError as exc:
            raise fail(str(exc)) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "settings"
            raise fail(f"invalid setting {where}: {first['msg']}") from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None

    return wrapper


def quiet_driver_logs() -> None:
    """The driver logs each retry as a warning; the CLI reports the final outcome instead."""
    import logging

    logging.getLogger("neo4j").setLevel(logging.ERROR)
