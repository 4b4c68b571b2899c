"""Test fixtures: one real Neo4j for the whole session, a clean graph per test.

The session server is a throwaway instance (its own ports and a temporary data directory)
started from the distribution ``make setup`` assembled, so demo data is never touched.
Set ``CKG_TEST_NEO4J_URI`` (and ``CKG_TEST_NEO4J_PASSWORD``) to use a server of your own.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ckg.graph.category_map import category_map_toml
from ckg.graph.db import Database
from ckg.graph.maintenance import delete_all_data
from ckg.graph.schema import apply_schema
from ckg.graph.settings import Settings
from ckg.loaders import catalogue_data as cd
from ckg.server import launcher

TEST_PASSWORD = "ckg-test-password"
TEST_BOLT_PORT = int(os.environ.get("CKG_TEST_BOLT_PORT", "17687"))
TEST_HTTP_PORT = int(os.environ.get("CKG_TEST_HTTP_PORT", "17474"))


@dataclass
class Neo4jUnderTest:
    settings: Settings
    instance: launcher.Instance | None  # None when CKG_TEST_NEO4J_URI is used

    def stop(self) -> None:
        assert self.instance is not None, "cannot stop an external server"
        launcher.stop(self.instance)

    def start(self) -> None:
        assert self.instance is not None, "cannot start an external server"
        launcher.start(self.instance, self.settings.password)


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jUnderTest]:
    # The generator's catalogue, mapped as a shop maps its own (graph.category_map).
    category_map = Path(tempfile.mkdtemp(prefix="ckg-test-map-")) / "category-map.toml"
    category_map.write_text(category_map_toml(cd.EXPECTING_LEAVES, cd.NEWBORN_LEAVES))
    external = os.environ.get("CKG_TEST_NEO4J_URI")
    if external:
        settings = Settings(neo4j_uri=external, category_map=category_map,
                            neo4j_password=os.environ.get("CKG_TEST_NEO4J_PASSWORD", TEST_PASSWORD))
        yield Neo4jUnderTest(settings, None)
        return
    home = Settings().home
    dist = launcher.dist_dir(home)
    if not launcher.is_assembled(dist):
        pytest.fail(f"Neo4j is not assembled in {dist}; run `make setup` (make test does it).")
    directory = Path(tempfile.mkdtemp(prefix="ckg-test-neo4j-"))
    inst = launcher.Instance(dist=dist, directory=directory, bolt_port=TEST_BOLT_PORT,
                                 http_port=TEST_HTTP_PORT, heap="2g", pagecache="1g")
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{TEST_BOLT_PORT}",
                        neo4j_password=TEST_PASSWORD, neo4j_http_port=TEST_HTTP_PORT,
                        home=home, category_map=category_map)
    launcher.start(inst, TEST_PASSWORD)
    try:
        yield Neo4jUnderTest(settings, inst)
    finally:
        launcher.stop(inst)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def session_db(neo4j_server: Neo4jUnderTest) -> Iterator[Database]:
    db = Database(neo4j_server.settings)
    db.ping()
    apply_schema(db)
    yield db
    db.close()


@pytest.fixture
def db(session_db: Database) -> Iterator[Database]:
    """A database with the schema applied and no data (and no projected GDS graphs)."""
    session_db.ping()
    delete_all_data(session_db)
    session_db.round_trips = 0
    yield session_db


@pytest.fixture
def settings(neo4j_server: Neo4jUnderTest) -> Settings:
    return neo4j_server.settings


def free_port() -> int:
    """A loopback port no one listens on now (for a server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
