"""``ckg privacy export|erase``: data-subject requests from the command line."""

from __future__ import annotations

import getpass
import json

import typer

from ckg.cli.output import console, fail, friendly_errors
from ckg.graph.db import open_database
from ckg.graph.privacy import erase_customer, export_customer
from ckg.graph.settings import get_settings

app = typer.Typer(help="Data-subject requests: export or erase a customer.", no_args_is_help=True)


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
          yes: bool = typer.Option(False, "--yes", help="Confirm the erasure.")) -> None:
    """Erase a customer completely (orders, reviews, events, tags...); refuses without --yes."""
    if not yes:
        raise fail("erasure cannot be undone; re-run with --yes to confirm.")
    with open_database(get_settings()) as db:
        deleted = erase_customer(db, customer_id, actor=f"cli:{getpass.getuser()}")
    console.print(f"Erased {customer_id}: {deleted} nodes deleted; an audit entry records the erasure.")
