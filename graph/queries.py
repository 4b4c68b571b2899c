"""The one home of Cypher: every ``cypher/<area>/<verb_noun>.cypher`` file, loaded once.

Each file holds exactly one statement. Values always travel as parameters; nothing here
formats user input into query text. Access by area and name::

    from ckg.graph.queries import queries
    queries.schema.customer_id_unique      # a Query
    queries.get("load/merge_customers")    # the same, by path

A statement may use another file's statement as a subquery with ``{{ include area/name }}``
(our own constant text, expanded once at load; never a value).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import LiteralString

from ckg.graph.errors import QueryNotFound

CYPHER_DIR: Traversable = files("ckg.cypher")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_INCLUDE = re.compile(r"\{\{\s*include\s+([a-z][a-z0-9_]*/[a-z][a-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class Query:
    """One Cypher statement and the file it came from."""

    name: str  # "<area>/<verb_noun>"
    text: LiteralString

    @property
    def area(self) -> str:
        return self.name.split("/", 1)[0]


class Area:
    """The queries of one folder, as attributes."""

    def __init__(self, name: str, items: dict[str, Query]) -> None:
        self._name = name
        self._items = items

    def __getattr__(self, item: str) -> Query:
        try:
            return self._items[item]
        except KeyError:
            raise QueryNotFound(f"no Cypher file cypher/{self._name}/{item}.cypher") from None

    def __iter__(self) -> Iterator[Query]:
        return iter(sorted(self._items.values(), key=lambda q: q.name))

    def __len__(self) -> int:
        return len(self._items)


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def _check_single_statement(path: str, body: str) -> None:
    # A ';' inside a string literal is allowed; a second statement after a ';' is not.
    stripped = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", body).strip()
    if stripped.rstrip(";").count(";"):
        raise ValueError(f"{path}: one statement per file, found more")


def _cypher_files(folder: Traversable, prefix: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Traversable]]:
    """Every ``*.cypher`` below ``folder`` with its path parts; works for a wheel as for a source tree."""
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _cypher_files(entry, (*prefix, entry.name))
        elif entry.name.endswith(".cypher"):
            yield (*prefix, entry.name), entry


def _expand_includes(query: Query, found: dict[str, Query]) -> Query:
    """Replace ``{{ include area/name }}`` with that file's statement (one level, our own files only).

    One pattern (the identity graph, the social graph) then has one home, used as a subquery by
    the statement that streams it to networkx and by the one that projects it into GDS.
    """
    def text_of(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in found:
            raise ValueError(f"cypher/{query.name}.cypher includes cypher/{name}.cypher, which does not exist")
        if _INCLUDE.search(found[name].text):
            raise ValueError(f"cypher/{name}.cypher is included, so it may not include another file")
        return found[name].text

    expanded = _INCLUDE.sub(text_of, query.text)
    return query if expanded == query.text else Query(query.name, expanded)


class QueryCatalog:
    """Every Cypher file under ``cypher/``, read once at first use."""

    def __init__(self, root: Traversable = CYPHER_DIR) -> None:
        self._root = root
        self._by_name: dict[str, Query] | None = None
        self._areas: dict[str, Area] = {}

    def _load(self) -> dict[str, Query]:
        if self._by_name is None:
            found: dict[str, Query] = {}
            for parts, entry in sorted(_cypher_files(self._root, ()), key=lambda item: item[0]):
                path = "cypher/" + "/".join(parts)
                parts = (*parts[:-1], parts[-1].removesuffix(".cypher"))
                if len(parts) != 2 or not all(_NAME.match(p) for p in parts):
                    raise ValueError(f"{path}: expected cypher/<area>/<verb_noun>.cypher")
                body = _strip_comments(entry.read_text(encoding="utf-8")).strip()
                _check_single_statement(path, body)
                if not body:
                    raise ValueError(f"{path}: empty query file")
                found["/".join(parts)] = Query("/".join(parts), body.rstrip(";"))
            self._by_name = {name: _expand_includes(q, found) for name, q in found.items()}
        return self._by_name

    def get(self, name: str) -> Query:
        try:
            return self._load()[name]
        except KeyError:
            raise QueryNotFound(f"no Cypher file cypher/{name}.cypher") from None

    def area(self, area: str) -> Area:
        """The queries of one folder (built once: ``queries.api.get_portrait`` is on the API's hot path)."""
        found = self._areas.get(area)
        if found is None:
            items = {q.name.split("/", 1)[1]: q for q in self._load().values() if q.area == area}
            found = self._areas[area] = Area(area, items)
        return found

    def __getattr__(self, area: str) -> Area:
        if area.startswith("_"):
            raise AttributeError(area)
        return self.area(area)

    def names(self) -> list[str]:
        return sorted(self._load())


queries = QueryCatalog()
