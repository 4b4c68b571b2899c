"""``ckg db ...``: run and inspect the local Neo4j server, apply the schema, reset data."""

from __future__ import annotations

import typer

from ckg.cli.output import console, fail, friendly_errors
from ckg.graph.db import open_database
from ckg.graph.maintenance import delete_all_data
from ckg.graph.schema import apply_schema
from ckg.graph.settings import Settings, get_settings
from ckg.server import launcher

app = typer.Typer(help="Run and manage Neo4j: start, stop, status, logs, init, reset.",
                  no_args_is_help=True)


def demo_instance(settings: Settings) -> launcher.Instance:
    """The local server instance described by the settings (under ``CKG_HOME``)."""
    dist = launcher.dist_dir(settings.home)
    return launcher.Instance(
        dist=dist, directory=dist / "instance", bolt_port=settings.bolt_port,
        http_port=settings.neo4j_http_port, heap=settings.neo4j_heap,
        pagecache=settings.neo4j_pagecache,
    )


def _require_local(settings: Settings, verb: str) -> None:
    if not settings.is_local:
        raise fail(f"CKG_NEO4J_URI points at {settings.neo4j_uri}; `ckg db {verb}` only manages "
                   "the local server. Manage that Neo4j where it runs.")


@app.command()
@friendly_errors
def assemble() -> None:
    """Gather Neo4j, GDS, APOC and Browser from Maven Central into CKG_HOME/neo4j."""
    settings = get_settings()
    with console.status("Assembling Neo4j with Maven (first run downloads ~150 MB)..."):
        dist = launcher.assemble(settings.home)
    console.print(f"Neo4j assembled in {dist}")


@app.command()
@friendly_errors
def start(timeout: float = typer.Option(180.0, help="Seconds to wait for Bolt.")) -> None:
    """Start the local Neo4j (idempotent) and wait until Bolt answers."""
    settings = get_settings()
    _require_local(settings, "start")
    inst = demo_instance(settings)
    with console.status("Starting Neo4j..."):
        started = launcher.start(inst, settings.password, timeout=timeout)
    with open_database(settings) as db:
        db.ping()
    console.print(("Neo4j started." if started else "Neo4j is already running.")
                  + f"\n  Bolt:     {settings.neo4j_uri}"
                  + f"\n  Browser:  {settings.browser_url}"
                  + f"\n  User:     {settings.neo4j_user}"
                  + f"\n  Password: from {settings.password_source}"
                  + f"\n  Guide:    with `ckg serve` running, run in Browser  :play {guide_url(settings)}")


def guide_url(settings: Settings) -> str:
    """Where Browser finds ckg's guide. ``localhost``, not 127.0.0.1: Browser's default allow-list for
    remote guides (``browser.remote_content_hostname_whitelist``) names ``localhost``."""
    return f"http://localhost:{settings.api_port}/guide"


@app.command()
@friendly_errors
def stop() -> None:
    """Stop the local Neo4j gracefully."""
    settings = get_settings()
    _require_local(settings, "stop")
    with console.status("Stopping Neo4j..."):
        stopped = launcher.stop(demo_instance(settings))
    console.print("Neo4j stopped." if stopped else "Neo4j was not running.")


@app.command()
@friendly_errors
def status() -> None:
    """Print Neo4j, GDS and APOC versions, or why the server is down."""
    settings = get_settings()
    with open_database(settings) as db:
        info = db.server_info()
    console.print(f"Neo4j {info.neo4j_version} ({info.edition}) at {settings.neo4j_uri}")
    console.print(f"  Graph Data Science: {info.gds_version or 'not installed (networkx fallback)'}")
    console.print(f"  APOC:               {info.apoc_version or 'not installed'}")
    console.print(f"  Browser:            {settings.browser_url}")


@app.command()
@friendly_errors
def logs(lines: int = typer.Option(40, "--lines", "-n", help="How many lines to show.")) -> None:
    """Show the end of the local server's log."""
    inst = demo_instance(get_settings())
    console.print(launcher.tail_log(inst, lines), markup=False, highlight=False)


@app.command()
@friendly_errors
def init() -> None:
    """Apply constraints and indexes from cypher/schema (idempotent)."""
    with open_database(get_settings()) as db:
        count = apply_schema(db)
    console.print(f"Schema applied: {count} constraints and indexes.")


@app.command()
@friendly_errors
def reset(yes: bool = typer.Option(False, "--yes", help="Confirm deleting all data.")) -> None:
    """Delete all nodes and relationships in batches; keep the schema."""
    if not yes:
        raise fail("this deletes every node and relationship; re-run with --yes to confirm.")
    with open_database(get_settings()) as db, console.status("Deleting all data..."):
        before = delete_all_data(db)
    console.print(f"Deleted {before} nodes; schema kept.")
