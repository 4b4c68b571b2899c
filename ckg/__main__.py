"""``python -m ckg``: the same as the ``ckg`` command."""

from ckg.cli.main import app

app()
