"""``ckg privacy export|erase``: data-subject requests from the command line."""

from __future__ import annotations

import getpass
import json

import typer
from rich.table import Table

from ckg.cli.output import console, fail, friendly_errors
from ckg.graph.changes import portraits_changed
from ckg.graph.consent import PURPOSES, record_consent
from ckg.graph.db import open_database
from ckg.graph.privacy import audit_entries, erase_customer, export_customer
from ckg.graph.settings import get_settings
from ckg.graph.tags.refresh import refresh

app = typer.Typer(help="Data-subject requests (export, erase) and the audit trail. See docs/privacy.md.",
                  no_args_is_help=True)


@app.command()
@friendly_errors
def export(customer_id: str = typer.Argument(..., help="Customer id.")) -> None:
    """Print everything held about a customer as JSON."""
    with open_database(get_settings()) as db:
        data = export_customer(db, customer_id, actor=f"cli:{getpass.getuser()}")
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@app.command()
@friendly_errors
def erase(customer_id: str = typer.Argument(..., help="Customer id."),
          with_linked: bool = typer.Option(False, "--with-linked",
                                           help="Also erase the records linked as the same person."),
          yes: bool = typer.Option(False, "--yes", help="Confirm the erasure.")) -> None:
    """Erase a customer completely and keep them out of later loads; refuses without --yes."""
    if not yes:
        raise fail("erasure cannot be undone; re-run with --yes to confirm.")
    with open_database(get_settings()) as db:
        done = erase_customer(db, customer_id, actor=f"cli:{getpass.getuser()}", with_linked=with_linked)
    console.print(f"Erased {', '.join(done.erased)}: {done.deleted_nodes} nodes deleted; "
                  f"{done.recomputed_customers} other customers and {done.communities_updated} communities "
                  "recomputed; later loads skip them (suppression list); the audit entry names them by keyed hash.")
    if done.linked_kept:
        console.print(f"[yellow]Linked as the same person and kept:[/] {', '.join(done.linked_kept)} "
                      "(erase them too with --with-linked).")


@app.command("consent")
@friendly_errors
def consent_(customer_id: str = typer.Argument(..., help="Customer id."),
             purpose: str = typer.Argument(..., help="profiling, sensitive_inference or marketing."),
             grant: bool = typer.Option(..., "--grant/--withdraw", help="Grant or withdraw the consent.")) -> None:
    """Record a consent decision; it applies at once and the customer's tags are re-derived."""
    if purpose not in PURPOSES:
        raise fail(f"unknown purpose {purpose!r}: use {', '.join(PURPOSES)}")
    with open_database(get_settings()) as db:
        done = record_consent(db, customer_id, purpose, grant, source=f"cli:{getpass.getuser()}")
        portraits_changed(db, [customer_id])  # cached portraits drop what was withdrawn, even if the refresh fails
        refresh(db, customers=[customer_id])
    console.print(f"{customer_id}: {purpose} {'granted' if grant else 'withdrawn'}; allowed now: "
                  f"{', '.join(done.allowed_uses)}; {done.dropped_tags} tags dropped, {done.left_segments} segments "
                  "left; portrait re-derived.")


@app.command()
@friendly_errors
def audit(customer: str = typer.Option(None, "--customer", help="Only entries about this customer id."),
          since: str = typer.Option(None, "--since", help="Only entries at or after this ISO 8601 time."),
          limit: int = typer.Option(200, help="At most this many entries, newest first.")) -> None:
    """List the audit trail: who (token or user) read, exported or erased what, and when."""
    with open_database(get_settings()) as db:
        rows = audit_entries(db, customer_id=customer, since=since, limit=limit)
    table = Table(show_edge=False)
    for col in ("at", "actor", "action", "subject (keyed hash)", "detail"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["at"], r["actor"], r["action"], (r["subjectHash"] or "")[:16], r["detail"] or "")
    console.print(table)
    console.print(f"{len(rows)} entries")
