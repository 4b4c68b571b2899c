"""``ckg identity show|unlink``: see why records are one person, and say when they are not."""

from __future__ import annotations

import getpass

import typer

from ckg.cli.output import console, friendly_errors
from ckg.graph.db import open_database
from ckg.graph.identity import identity_group, unlink
from ckg.graph.settings import get_settings

app = typer.Typer(help="Identity resolution: the evidence behind a merge, and undoing one.", no_args_is_help=True)


@app.command()
@friendly_errors
def show(customer_id: str = typer.Argument(..., help="Customer id.")) -> None:
    """The records resolved to the same person as CUSTOMER_ID, with each link's confidence and evidence."""
    with open_database(get_settings()) as db:
        info = identity_group(db, customer_id)
    if not info["members"]:
        console.print(f"{customer_id} is linked to no other record.", highlight=False)
    else:
        console.print(f"{customer_id} is the same person as {', '.join(sorted(info['members']))}", highlight=False)
    for link in sorted(info["links"], key=lambda x: x["id"]):
        console.print(f"  {link['id']} -> {link['canonical']}: confidence {link['confidence']:.2f}, "
                      f"via {', '.join(link['via'] or [])}", highlight=False)
        for line in link["evidence"] or []:
            console.print(f"    - {line}", highlight=False, markup=False)
    for d in info["notSame"]:
        console.print(f"  declared not the same as {d['id']} by {d['by']} at {d['at']}"
                      + (f": {d['reason']}" if d["reason"] else ""), highlight=False, markup=False)


@app.command("unlink")
@friendly_errors
def unlink_(a: str = typer.Argument(..., help="A customer id."),
            b: str = typer.Argument(..., help="Another customer id."),
            reason: str = typer.Option("", help="Why they are not the same person (kept with the decision).")) -> None:
    """Record that A and B are not the same person; their records are regrouped now and at every refresh."""
    with open_database(get_settings()) as db:
        done = unlink(db, a, b, by=f"cli:{getpass.getuser()}", reason=reason)
    console.print(f"Recorded: {done.a} and {done.b} are not the same person; {len(done.regrouped)} records "
                  "regrouped.", highlight=False)
    for who, linked in ((done.a, done.linked_a), (done.b, done.linked_b)):
        console.print(f"  {who} is now linked to: {', '.join(linked) or 'no other record'}", highlight=False)
