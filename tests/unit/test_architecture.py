"""The layering rules of docs/architecture.md, checked on the source: who may import what.

cli, gql and loaders sit over graph, graph over Neo4j; Cypher lives only in cypher/. A rule
broken here is a seam a newcomer would trip over, so the test names the file and the import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = {"graph": "ckg.graph", "gql": "ckg.gql", "loaders": "ckg.loaders", "cli": "ckg.cli",
           "server": "ckg.server", "ckg": "ckg"}

#: For each layer, the ckg packages it must not import (anything else of ckg is allowed).
FORBIDDEN = {
    "graph": ("ckg.gql", "ckg.loaders", "ckg.cli", "ckg.server"),
    "gql": ("ckg.loaders", "ckg.cli", "ckg.server", "ckg.graph.queries", "neo4j"),
    "loaders": ("ckg.gql", "ckg.cli", "ckg.server"),
    "server": ("ckg.gql", "ckg.loaders", "ckg.cli", "neo4j"),
    "cli": ("neo4j",),
}


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(folder: str) -> None:
    offenders = [f"{path.relative_to(ROOT)}: {name}" for path in _modules(folder) for name in _imports(path)
                 if any(_within(name, banned) for banned in FORBIDDEN[folder])]
    assert offenders == []


def test_only_graph_talks_to_the_driver() -> None:
    users = sorted({str(path.relative_to(ROOT)) for folder in FOLDERS for path in _modules(folder)
                    if any(_within(name, "neo4j") for name in _imports(path))})
    assert users and all(u.startswith("graph/") for u in users), users


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_every_import_of_ckg_goes_through_the_one_namespace(folder: str) -> None:
    """``import graph`` would only work from a source checkout; the wheel installs ``ckg`` alone."""
    bare = ("graph", "gql", "loaders", "cli", "server", "cypher")
    offenders = [f"{path.relative_to(ROOT)}: {name}" for path in _modules(folder) for name in _imports(path)
                 if name.split(".")[0] in bare]
    assert offenders == []


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_no_module_finds_files_through_the_repository(folder: str) -> None:
    """Files read at run time are package data (importlib.resources), so a non-editable wheel works."""
    offenders = [str(path.relative_to(ROOT)) for path in _modules(folder)
                 if "Path(__file__)" in path.read_text(encoding="utf-8")]
    assert offenders == []
