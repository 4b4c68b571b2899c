"""``ckg token create`` and ``ckg schema``: API access and the schema in SDL."""

from __future__ import annotations

from pathlib import Path

import typer

from ckg.cli.output import console, fail, friendly_errors
from ckg.graph.auth import Role, create_token
from ckg.graph.db import open_database
from ckg.graph.settings import get_settings

token_app = typer.Typer(help="API tokens (bearer tokens mapped to roles).", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL schema in SDL.", no_args_is_help=True)


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
