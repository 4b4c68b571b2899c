"""ckg, the customer knowledge graph: shop data into Neo4j, customer portraits out.

One import name for the whole distribution. The subpackages live in the repository's
top-level folders and are mapped under ``ckg`` by ``pyproject.toml``:

- ``ckg.graph``    the domain core (settings, driver, tags, algorithms); knows Neo4j, not HTTP
- ``ckg.gql``      the GraphQL adapter (Strawberry on Starlette); never imports the driver
- ``ckg.loaders``  readers, row validation, writers, the synthetic generator and its evaluation
- ``ckg.cli``      the ``ckg`` command
- ``ckg.cypher``   every Cypher statement, one per file (package data)
- ``ckg.server``   the local Neo4j: Maven assembly, config template and launcher
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ckg")
except PackageNotFoundError:  # pragma: no cover - only when run from an uninstalled tree
    __version__ = "0+unknown"
