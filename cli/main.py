"""Entry point of the ``ckg`` console script."""

from __future__ import annotations

import typer

from ckg.cli import (
    api_commands,
    convert_commands,
    data_commands,
    db_commands,
    identity_commands,
    privacy_commands,
    quality_commands,
    report_commands,
    tag_commands,
)
from ckg.cli.output import quiet_driver_logs

app = typer.Typer(
    help="ckg, the customer knowledge graph: load shop data into Neo4j, derive customer "
    "portraits (tags), and serve them over GraphQL.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_commands.app, name="db")
data_commands.register(app)
quality_commands.register(app)
report_commands.register(app)
app.add_typer(tag_commands.app, name="tags")
tag_commands.register_eval(app)
app.add_typer(api_commands.token_app, name="token")
app.add_typer(api_commands.schema_app, name="schema")
api_commands.register_serve(app)
app.add_typer(privacy_commands.app, name="privacy")
app.add_typer(identity_commands.app, name="identity")
app.add_typer(convert_commands.app, name="convert")


@app.callback()
def _setup() -> None:
    quiet_driver_logs()


if __name__ == "__main__":
    app()
