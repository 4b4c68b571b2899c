"""Entry point of the ``ckg`` console script."""

from __future__ import annotations

import typer

from ckg.cli import (
    api_commands,
    data_commands,
    db_commands,
    identity_commands,
    privacy_commands,
    quality_commands,
    report_commands,
    tag_commands,
)
from ckg.cli.output import console, friendly_errors, quiet_driver_logs
from ckg.graph.settings import get_settings

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
app.add_typer(privacy_commands.app, name="privacy")
app.add_typer(identity_commands.app, name="identity")


@app.callback()
def _setup() -> None:
    quiet_driver_logs()


@app.command()
@friendly_errors
def serve(
    host: str = typer.Option(None, help="Interface to bind (default CKG_API_HOST, 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default CKG_API_PORT, 8000)."),
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql) with uvicorn."""
    import uvicorn

    from ckg.gql.app import create_app

    settings = get_settings()
    host = host or settings.api_host
    port = port or settings.api_port
    console.print(f"GraphiQL: http://{host}:{port}/graphql   Browser: {settings.browser_url}")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


if __name__ == "__main__":
    app()
