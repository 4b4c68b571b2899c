"""``ckg token create/list/revoke`` and ``ckg schema``: API access and the schema in SDL."""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from ckg.cli.output import console, fail, friendly_errors
from ckg.gql.answer_store import make_shared_dir
from ckg.graph.auth import CACHE_SECONDS, Role, create_token, list_tokens, parse_expiry, revoke_token
from ckg.graph.db import open_database
from ckg.graph.settings import get_settings

token_app = typer.Typer(help="API tokens (bearer tokens mapped to roles).", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL schema in SDL.", no_args_is_help=True)


@token_app.command()
@friendly_errors
def create(role: str = typer.Option(..., help="analyst, marketer or admin."),
           name: str = typer.Option("", help="A unique name (audit entries show it); default: the role and a "
                                    "random suffix."),
           expires: str = typer.Option("", help="Stop working after this long: Nd, Nh or Nm (e.g. 30d); "
                                       "default: never.")) -> None:
    """Create a token; it is printed once, as the last line (only its hash is stored)."""
    try:
        chosen = Role(role)
    except ValueError:
        raise fail(f"unknown role {role!r}: use analyst, marketer or admin") from None
    expires_in = parse_expiry(expires) if expires else None
    with open_database(get_settings()) as db:
        token = create_token(db, chosen, name, expires_in)
    console.print(f"Token for role {chosen.value} (store it now; it cannot be shown again):")
    print(token)


def _shown(when: datetime | None, empty: str = "-") -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC") if when else empty


@token_app.command("list")
@friendly_errors
def list_() -> None:
    """Every token: name, role, created, expires, last used, status (never the secret)."""
    with open_database(get_settings()) as db:
        tokens = list_tokens(db)
    if not tokens:
        console.print("no tokens yet: `ckg token create --role ...`")
        return
    table = Table(show_edge=False)
    for column in ("name", "role", "created", "expires", "last used", "status"):
        table.add_column(column)
    for t in tokens:
        table.add_row(t.name, t.role, _shown(t.created_at), _shown(t.expires_at, "never"),
                      _shown(t.last_used_at, "never"), t.status())
    console.print(table)


@token_app.command()
@friendly_errors
def revoke(name: str = typer.Argument(..., help="The token's name (`ckg token list`).")) -> None:
    """Revoke a token by name; running APIs refuse it within 30 seconds."""
    with open_database(get_settings()) as db:
        newly = revoke_token(db, name)
    if newly:
        console.print(f"revoked {name}; running APIs refuse it within {CACHE_SECONDS:.0f} seconds")
    else:
        console.print(f"{name} was already revoked")


@schema_app.command()
@friendly_errors
def export(out: Path = typer.Argument(Path("schema.graphql"), help="Where to write the SDL (in the repository: "
                                     "docs/schema.graphql)."),
           check: bool = typer.Option(False, help="Exit 1 if the file differs from the schema.")) -> None:
    """Write the GraphQL schema as SDL (schema.graphql in the current directory by default)."""
    from ckg.gql.schema import schema

    sdl = schema.as_str() + "\n"
    if check:
        if not out.exists() or out.read_text(encoding="utf-8") != sdl:
            raise fail(f"{out} is out of date: run `ckg schema export {out}`")
        return
    out.write_text(sdl, encoding="utf-8")
    console.print(f"wrote {out}")


def register_serve(app: typer.Typer) -> None:
    app.command()(serve)


@friendly_errors
def serve(
    host: str = typer.Option(None, help="Interface to bind (default CKG_API_HOST, 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default CKG_API_PORT, 8000)."),
    workers: int = typer.Option(0, help="Worker processes (default: the number of cores)."),
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql) with uvicorn: uvloop, httptools, N workers.

    Each worker is a process with its own drivers; whole portrait answers are kept once for all of
    them (a private file in /dev/shm, removed when this stops), and every cache stays current across
    workers through the graph (docs/operations.md). /metrics answers for all workers. Stop it with
    Ctrl-C or SIGTERM: the workers finish their requests (up to 10 s) first.
    """
    settings = get_settings()
    host = host or settings.api_host
    port = port or settings.api_port
    workers = workers or os.cpu_count() or 1
    if workers < 1:
        raise fail("--workers must be at least 1")
    env = dict(os.environ)
    made: list[Path] = []
    # Metrics of every worker in one place, so any worker's /metrics answers for all (prometheus-client's
    # multiprocess mode); a fresh directory per run, as its documentation asks.
    if "PROMETHEUS_MULTIPROC_DIR" not in env:
        made.append(Path(tempfile.mkdtemp(prefix="ckg-metrics-")))
        env["PROMETHEUS_MULTIPROC_DIR"] = str(made[-1])
    if workers > 1 and "CKG_API_SHARED_ANSWERS" not in env and settings.api_answer_cache_mb > 0:
        made.append(make_shared_dir())
        env["CKG_API_SHARED_ANSWERS"] = str(made[-1] / "answers.sqlite")
    console.print(f"GraphiQL: http://{host}:{port}/graphql   Browser: {settings.browser_url}   workers: {workers}")
    # uvicorn's own command line runs the workers (its spawned children import the app by name; from
    # this console script they die on start), as a child of this process, which removes the
    # directories above when it ends.
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "ckg.gql.app:create_app", "--host", host, "--port",
           str(port), "--workers", str(workers), "--loop", "uvloop", "--http", "httptools", "--ws",
           "websockets-sansio", "--no-access-log", "--timeout-graceful-shutdown", "10"]
    try:
        code = run_supervised(cmd, env)
    finally:
        for directory in made:
            shutil.rmtree(directory, ignore_errors=True)
    raise typer.Exit(code)


def run_supervised(cmd: list[str], env: dict[str, str]) -> int:
    """Run ``cmd`` in its own session and pass it SIGINT and SIGTERM (once each: a terminal's Ctrl-C
    would otherwise reach it twice); its exit code. On Linux it is also told to stop if this process
    is killed outright, so no worker outlives ``ckg serve``."""
    child = subprocess.Popen(cmd, env=env, start_new_session=True, preexec_fn=_die_with_parent)
    forward = lambda signum, frame: child.send_signal(signum)  # noqa: E731
    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        return child.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
