"""``ckg quality``: the data-quality report (the same checks as GraphQL ``dataQuality``)."""

from __future__ import annotations

import json
from dataclasses import asdict

import typer
from rich.table import Table

from ckg.cli.output import console, fail, friendly_errors
from ckg.graph.db import open_database
from ckg.graph.quality import FAIL, STALE_DAYS, data_quality
from ckg.graph.settings import get_settings

COLOURS = {"ok": "green", "warn": "yellow", "fail": "red"}


def register(app: typer.Typer) -> None:
    app.command()(quality)


@friendly_errors
def quality(stale_days: int = typer.Option(STALE_DAYS, help="A customer with no order or event in this many days "
                                                            "before the newest data is stale."),
            loads: int = typer.Option(5, help="How many recent loads to list."),
            as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
            strict: bool = typer.Option(False, "--strict", help="Exit 1 when a check fails.")) -> None:
    """Data quality: completeness, rejected rows per load, duplicates, stale customers, orphans, consent
    and tag coverage, each with a threshold and a status."""
    if stale_days < 1 or loads < 1:
        raise fail("--stale-days and --loads must be at least 1")
    with open_database(get_settings()) as db:
        report = data_quality(db, stale_days=stale_days, loads=loads)
    if as_json:
        print(json.dumps({"status": report.status, "asOf": report.as_of, "staleDays": report.stale_days,
                          "checks": [asdict(c) for c in report.checks],
                          "loads": [asdict(f) for f in report.loads]}, indent=2))
    else:
        table = Table(title=f"Data quality as of {report.as_of}: {report.status}")
        for col in ("status", "area", "check", "value", "threshold", "detail"):
            table.add_column(col, justify="right" if col == "value" else "left", overflow="fold")
        for c in report.checks:
            table.add_row(f"[{COLOURS[c.status]}]{c.status}[/]", c.area, c.name, f"{c.value:.1%}", c.threshold,
                          c.detail)
        console.print(table)
        if report.loads:
            loads_table = Table(title="Recent loads")
            for col in ("load", "at", "source", "file", "read", "loaded", "rejected", "suppressed"):
                loads_table.add_column(col)
            for f in report.loads:
                loads_table.add_row(f.load_id, f.at[:19], f.source, f.file, str(f.read), str(f.loaded),
                                    str(f.rejected), str(f.suppressed))
            console.print(loads_table)
    if strict and report.status == FAIL:
        raise typer.Exit(1)
