"""``ckg tags ...`` and ``ckg eval``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from ckg.cli.output import console, err_console, friendly_errors
from ckg.graph.db import open_database
from ckg.graph.settings import get_settings
from ckg.graph.tag_history import tag_history, tags_as_of
from ckg.graph.tags.catalogue import FAMILIES
from ckg.graph.tags.docs import catalogue_markdown
from ckg.graph.tags.explain import explain as explain_tag
from ckg.graph.tags.explain import tags_in_use
from ckg.graph.tags.refresh import refresh
from ckg.loaders.evaluation import COVERAGE_TARGET, evaluate
from ckg.loaders.evaluation import as_json as metrics_json

app = typer.Typer(help="The tag catalogue: list, refresh, explain, history.", no_args_is_help=True)


class StageProgress:
    """A spinner per tag family (chunks done), driven by the refresh's progress calls."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.current: TaskID | None = None

    def start(self, name: str, total: int) -> None:
        if self.current is not None:
            self.progress.update(self.current, completed=1, total=1)
        self.current = self.progress.add_task(name, total=None)

    def advance(self, name: str, done: int) -> None:
        if self.current is not None:
            self.progress.update(self.current, description=f"{name} (chunk {done})")

    def end(self, name: str) -> None:
        if self.current is not None:
            self.progress.update(self.current, completed=1, total=1)
            self.current = None


@app.command("list")
@friendly_errors
def list_() -> None:
    """Every tag family: dimension, what it expands over, how it is derived."""
    table = Table(show_edge=False)
    for col in ("family", "dimension", "expands over", "derivation", "sensitive"):
        table.add_column(col)
    for f in FAMILIES:
        table.add_row(f.name, f.dimension, f.expands_over or "-", f.derivation, "yes" if f.sensitive else "")
    console.print(table)
    console.print(f"{len(FAMILIES)} families; `ckg tags stats` counts the tags in use.")


@app.command()
@friendly_errors
def docs(out: Path = typer.Argument(Path("tags.md"), help="Where to write the catalogue (in the repository: "
                                    "docs/tags.md)."),
         check: bool = typer.Option(False, help="Exit 1 if the file is out of date.")) -> None:
    """Write the tag catalogue as Markdown (tags.md in the current directory by default)."""
    text = catalogue_markdown()
    if check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            raise typer.Exit(1)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote {out}")


@app.command()
@friendly_errors
def stats() -> None:
    """Distinct tags in use per dimension."""
    with open_database(get_settings()) as db:
        rows = tags_in_use(db)
    table = Table(show_edge=False)
    for col in ("dimension", "distinct tags", "assignments"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["dimension"], str(r["tags"]), str(r["assignments"]))
    console.print(table)
    console.print(f"{sum(r['tags'] for r in rows)} distinct tags in use")


@app.command("refresh")
@friendly_errors
def refresh_(
    only: list[str] = typer.Option(None, "--only", help="Refresh only these families (repeatable)."),
    customers: str = typer.Option(None, help="Comma-separated customer ids: incremental refresh."),
    engine: str = typer.Option("auto", help="Graph algorithm engine: auto, gds or networkx."),
    as_of: str = typer.Option(None, help="Time the tags are computed as of (default: newest data)."),
    force: bool = typer.Option(False, "--force",
                               help="Recompute every stage, also those whose inputs did not change since they ran."),
) -> None:
    """Derive tags (all families, or --only some), for everyone or --customers a,b,c.

    A refresh of everyone skips the stages whose inputs did not change since their last successful
    run (shown as "unchanged inputs"); --force recomputes them. With --only or --as-of it skips
    nothing and the next full refresh recomputes every stage.
    """
    ids = [c.strip() for c in customers.split(",") if c.strip()] if customers else None
    with open_database(get_settings()) as db, Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                                        TimeElapsedColumn(), console=err_console) as progress:
        result = refresh(db, only=only or None, customers=ids, engine=engine, as_of=as_of,
                         progress=StageProgress(progress), force=force)
    table = Table(title=f"tags refreshed as of {result.as_of} (engine: {result.engine})", show_edge=False)
    for col in ("stage", "rows", "seconds", "tag writes", "note"):
        table.add_column(col, justify="left" if col in ("stage", "note") else "right")
    for s in result.stages:
        table.add_row(s.name, "-" if s.skipped else str(s.rows), f"{s.seconds:.2f}",
                      "-" if s.skipped else str(s.writes), s.note, style="dim" if s.skipped else None)
    console.print(table)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    w = result.tag_writes
    console.print(f"tag writes: {w['relationships_created']} relationships created, "
                  f"{w['relationships_deleted']} deleted, {w['properties_set']} properties set; "
                  f"{result.history_pruned} history versions pruned", highlight=False)
    if ids is None:
        skipped = [s.name for s in result.stages if s.skipped]
        other = [u for u in result.skipped if u not in skipped]
        console.print(f"unchanged inputs: {len(skipped)} of {len(result.stages)} stages skipped"
                      + (f" (and {', '.join(other)})" if other else "")
                      + ("" if force else "; --force recomputes them"), highlight=False)
        b = result.bookkeeping_writes
        console.print(f"bookkeeping (not tags): {b['nodes_created']} refresh records created, "
                      f"{b['properties_set']} properties set (and the refresh lock"
                      + (", the portraits' version)" if result.portraits_moved else
                         "; the portraits' version kept: no stage ran)"),
                      highlight=False)
    console.print(f"total {result.seconds:.1f}s")


@app.command()
@friendly_errors
def explain(subject: str = typer.Argument(..., help="Customer (or enterprise) id."),
            tag: str = typer.Argument(..., help="Tag name, e.g. 'high_value' or 'interest:...'.")) -> None:
    """Print the evidence behind a tag: the orders, events, neighbours or community that produced it."""
    with open_database(get_settings()) as db:
        info = explain_tag(db, subject, tag)
    console.print(f"[bold]{info['tag']}[/] on {subject} ({info['dimension']})", highlight=False)
    console.print(f"  {info['description']}", highlight=False)
    console.print(f"  weight {info['weight']:.3f}, confidence {info['confidence']:.2f}, computed "
                  f"{info['computedAt']} by {info['source']}", highlight=False)
    console.print(f"  weight rule: {info['weightRule']}", highlight=False)
    for line in info["evidence"] or []:
        console.print(f"  - {line}", highlight=False, markup=False)


@app.command()
@friendly_errors
def history(customer: str = typer.Argument(..., help="Customer id."),
            tag: str = typer.Argument(None, help="One tag, e.g. 'interest:...' (default: all tags)."),
            first: int = typer.Option(50, help="How many versions (newest first)."),
            after: str = typer.Option(None, help="Continue after this cursor (printed under a full page)."),
            as_of: str = typer.Option(None, "--as-of", help="Instead: the tags as they stood at this time "
                                      "(ISO-8601).")) -> None:
    """A customer's tag versions, newest first: current ones and ended ones (HAD_TAG), with why they ended."""
    with open_database(get_settings()) as db:
        if as_of is not None:
            versions = tags_as_of(db, customer, as_of)
            title, next_cursor = f"tags of {customer} as of {as_of}", None
        else:
            page = tag_history(db, customer, tag, first=first, after=after)
            versions = page.versions
            title, next_cursor = f"tag history of {customer}", page.end_cursor if page.has_next else None
    table = Table(title=title, show_edge=False)
    for col in ("tag", "weight", "from", "to", "why"):
        table.add_column(col, justify="right" if col == "weight" else "left")
    for v in versions:
        table.add_row(v.tag, f"{v.weight:.3f}" if v.weight is not None else "-", v.valid_from or "-",
                      v.valid_to or "current", v.reason or "")
    console.print(table)
    if not versions:
        console.print("no tag versions" + (f" of {tag}" if tag else ""))
    if next_cursor:
        console.print(f"more: --after {next_cursor}", highlight=False)


def register_eval(root: typer.Typer) -> None:
    @root.command("eval")
    @friendly_errors
    def eval_(directory: Path = typer.Argument(..., help="A dataset made by `ckg generate` (with truth/)."),
              as_json: bool = typer.Option(False, "--json", help="Print one JSON object: per metric its "
                                           "value, coverage, permitted share, count and target.")) -> None:
        """Compare the graph with the dataset's planted truth; exit 1 if a target (value or coverage) is missed."""
        with open_database(get_settings()) as db:
            metrics = evaluate(db, directory)
        if as_json:
            typer.echo(json.dumps(metrics_json(metrics), indent=2))
        else:
            table = Table(title="accuracy against planted truth", show_edge=False)
            for col in ("metric", "value", "coverage", "permitted", "target", "over"):
                table.add_column(col, justify="left" if col == "metric" else "right")
            for m in metrics:
                mark = "" if m.passed is None else (" ok" if m.passed else " MISSED")
                target = f">= {m.target} (coverage >= {COVERAGE_TARGET}){mark}" if m.target is not None else "-"
                table.add_row(m.name, f"{m.value:.3f}", f"{m.coverage:.3f}", f"{m.permitted:.3f}", target, str(m.n))
            console.print(table)
        if any(m.passed is False for m in metrics):
            raise typer.Exit(1)
