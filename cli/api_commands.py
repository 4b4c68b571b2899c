"""``ckg token create`` and ``ckg schema``: API access and the schema in SDL."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.output import console, fail, friendly_errors
from graph.auth import Role, create_token
from graph.db import open_database
from graph.settings import get_settings

token_app = typer.Typer(help="API tokens (bearer tokens mapped to roles).", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL schema in SDL.", no_args_is_help=True)
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "schema.graphql"


@token_app.command()
@friendly_errors
def create(role: str = typer.Option(..., help="analyst, marketer or admin."),
           name: str = typer.Option("", help="A label to recognise the token by.")) -> None:
    """Create a token; it is printed once, as the last line (only its hash is stored)."""
    try:
        chosen = Role(role)
    except ValueError:
        raise fail(f"unknown role {role!r}: use analyst, marketer or admin") from None
    with open_database(get_settings()) as db:
        token = create_token(db, chosen, name)
    console.print(f"Token for role {chosen.value} (store it now; it cannot be shown again):")
    print(token)


@schema_app.command()
@friendly_errors
def export(out: Path = typer.Option(SCHEMA_FILE, help="Where to write the SDL."),
           check: bool = typer.Option(False, help="Exit 1 if the file differs from the schema.")) -> None:
    """Write the schema as SDL (docs/schema.graphql by default)."""
    from gql.schema import schema

    sdl = schema.as_str() + "\n"
    if check:
        if not out.exists() or out.read_text() != sdl:
            raise fail(f"{out} is out of date: run `ckg schema export`")
        return
    out.write_text(sdl)
    console.print(f"wrote {out}")
