"""``ckg generate``, ``ckg validate`` and ``ckg load``."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from ckg.cli.db_commands import demo_instance
from ckg.cli.output import console, err_console, friendly_errors
from ckg.graph.db import open_database
from ckg.graph.errors import InputError
from ckg.graph.settings import Settings, get_settings
from ckg.loaders.bulk_import import ImportTimings, bulk_load, database_is_empty, interrupted, manages
from ckg.loaders.generator import generate as generate_dataset
from ckg.loaders.generator import parse_knobs
from ckg.loaders.load import DEFAULT_BATCH, LoadReport, load_dataset, validate_dataset
from ckg.server import launcher


class LoadMode(StrEnum):
    """How ``ckg load`` writes (``--mode``)."""

    auto = "auto"
    online = "online"
    import_ = "import"


class ProgressBars:
    """A Rich progress bar per file (bytes read), driven by the loader's progress calls."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def start(self, name: str, total: int) -> None:
        self.tasks[name] = self.progress.add_task(name, total=max(total, 1))

    def advance(self, name: str, done: int) -> None:
        self.progress.update(self.tasks[name], completed=done)

    def end(self, name: str) -> None:
        task = self.tasks[name]
        self.progress.update(task, completed=self.progress.tasks[task].total)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description:<18}"), BarColumn(), DownloadColumn(),
                    TimeElapsedColumn(), console=err_console, transient=False)


def print_report(report: LoadReport, verb: str, seconds: float) -> None:
    table = Table(title=f"{verb} report", show_edge=False)
    for col in ("file", "rows read", verb, "rejected", "suppressed", "note"):
        table.add_column(col, justify="left" if col in ("file", "note") else "right")
    for name, s in report.files.items():
        table.add_row(name, str(s.read), str(s.loaded), str(s.rejected) if s.rejected else "",
                      str(s.suppressed) if s.suppressed else "", s.skipped)
    console.print(table)
    for w in report.warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
    for e in report.file_errors:
        console.print(f"[red]file rejected:[/] {e}", highlight=False, markup=True)
    for e in report.errors:
        console.print(f"[red]rejected:[/] {e}", highlight=False)
    if report.rejected > len(report.errors):
        console.print(f"... and {report.rejected - len(report.errors)} more rejected rows")
    if report.quarantine and report.rejected:
        console.print(f"Rejected rows written to {report.quarantine}")
    if report.stopped_early:
        console.print("[red]stopped early:[/] more rejects than --max-rejects allows")
    suppressed = f", {report.suppressed} suppressed (erased people)" if report.suppressed else ""
    console.print(f"{report.loaded} rows {verb}, {report.rejected} rejected{suppressed} in {seconds:.1f}s")


def register(app: typer.Typer) -> None:
    @app.command()
    @friendly_errors
    def generate(
        customers: int = typer.Option(20000, "--customers", "-n", help="Number of B2C customers."),
        seed: int = typer.Option(7, help="Random seed: the same seed gives the same dataset."),
        out: Path = typer.Option(..., "--out", "-o", help="Directory to write the dataset into."),
        knob: list[str] = typer.Option(None, "--knob", help="A noise knob, name=value (repeatable); the "
                                       "knobs and their defaults are listed in DIR/truth/README.md."),
    ) -> None:
        """Write a synthetic cross-border dataset with planted truth (DIR/truth) and a manifest."""
        try:
            knobs = parse_knobs(knob or [])
        except ValueError as e:
            raise InputError(str(e)) from None
        start = time.perf_counter()
        with _progress() as progress:
            task = progress.add_task("customers", total=customers)
            manifest = generate_dataset(customers, seed, out, knobs=knobs,
                                        progress=lambda done: progress.update(task, completed=done))
            progress.update(task, completed=customers)
        nodes = sum(manifest["nodes"].values())
        rels = sum(manifest["relationships"].values())
        console.print(f"Wrote {out} in {time.perf_counter() - start:.1f}s: {nodes} nodes, "
                      f"{rels} relationships (manifest.json), truth in {out / 'truth'}")

    @app.command()
    @friendly_errors
    def validate(
        directory: Path = typer.Argument(..., help="Dataset directory."),
        max_rejects: int = typer.Option(None, help="Stop after this many rejected rows."),
        quarantine: Path = typer.Option(None, help="Write rejected rows (JSON Lines) here."),
    ) -> None:
        """Check a dataset without loading it: columns, types, codes, duplicates, references."""
        start = time.perf_counter()
        with _progress() as progress:
            report = validate_dataset(directory, max_rejects=max_rejects, quarantine=quarantine,
                                      progress=ProgressBars(progress))
        print_report(report, "valid", time.perf_counter() - start)
        if not report.ok:
            raise typer.Exit(1)

    @app.command()
    @friendly_errors
    def load(
        directory: Path = typer.Argument(..., help="Dataset directory (see docs/data-format.md)."),
        mode: LoadMode = typer.Option(
            LoadMode.auto, "--mode", case_sensitive=False,
            help="import: validate into CSVs, stop the local server, `neo4j-admin database import full`, "
                 "restart, apply the schema (an empty local database only); online: idempotent MERGE "
                 "batches, for increments and remote servers; auto: import when the target is the local "
                 "server `ckg db start` runs and its database is empty (or a bulk import was interrupted), "
                 "else online."),
        batch_size: int = typer.Option(DEFAULT_BATCH, help="Rows per write transaction (online)."),
        max_rejects: int = typer.Option(None, help="Stop after this many rejected rows."),
        quarantine: Path = typer.Option(None, help="Where rejected rows go (default CKG_HOME/quarantine/DIR.jsonl)."),
    ) -> None:
        """Load a dataset into Neo4j; bad rows are reported and quarantined, the same in every mode.

        Exit code 0 when every row loaded, 1 when any row or file was rejected.
        """
        settings = get_settings()
        if not directory.is_dir():
            raise InputError(f"dataset directory {directory} does not exist")
        if quarantine is None:
            quarantine = settings.home.resolve() / "quarantine" / f"{directory.resolve().name}.jsonl"
        start = time.perf_counter()
        inst = LaunchedServer(demo_instance(settings), settings.password)
        if _bulk(settings, inst, mode):
            timings = ImportTimings()
            with _progress() as progress:
                report = bulk_load(settings, inst, directory, timings=timings, max_rejects=max_rejects,
                                   quarantine=quarantine, progress=ProgressBars(progress))
            seconds = time.perf_counter() - start
            print_report(report, "loaded", seconds)
            steps = ", ".join(f"{k} {v:.1f}s" for k, v in timings.steps.items())
            console.print(f"Bulk import: {timings.entities} nodes and relationships "
                          f"({timings.entities / max(seconds, 1e-9):,.0f}/s end to end); {steps}")
        else:
            with open_database(settings) as db, _progress() as progress:
                report = load_dataset(db, directory, batch_size=batch_size, max_rejects=max_rejects,
                                      quarantine=quarantine, progress=ProgressBars(progress))
            print_report(report, "loaded", time.perf_counter() - start)
        if not report.ok:
            raise typer.Exit(1)


@dataclass(frozen=True)
class LaunchedServer:
    """The local server ``ckg db start`` runs, as the bulk load sees it (loaders.bulk_import.LocalServer)."""

    inst: launcher.Instance
    password: str

    @property
    def directory(self) -> Path:
        return self.inst.directory

    def has_import_tool(self) -> bool:
        return launcher.has_import_tool(self.inst.dist)

    def serves(self, bolt_port: int) -> bool:
        return launcher.read_pid(self.inst) is not None and launcher.configured_bolt_port(self.inst) == bolt_port

    def start(self, timeout: float) -> None:
        launcher.start(self.inst, self.password, timeout=timeout)

    def stop(self) -> None:
        launcher.stop(self.inst)

    def import_full(self, database: str, arguments: list[str]) -> None:
        launcher.import_full(self.inst, database, arguments)


def _bulk(settings: Settings, inst: LaunchedServer, mode: LoadMode) -> bool:
    """Whether this load goes through the import tool (see ``ckg load --help``)."""
    if mode is LoadMode.online:
        return False
    if not manages(settings, inst):
        if mode is LoadMode.import_:
            raise InputError("--mode import needs the local server that `ckg db start` runs (it stops it, "
                             f"imports and starts it again); {settings.neo4j_uri} is not it. Use --mode online.")
        return False
    if mode is LoadMode.import_ or interrupted(inst):
        return True
    with open_database(settings) as db:
        return database_is_empty(db)
