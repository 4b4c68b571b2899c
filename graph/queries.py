"""The one home of Cypher: every ``cypher/<area>/<verb_noun>.cypher`` file, loaded once.

Each file holds exactly one statement. Values always travel as parameters; nothing here
formats user input into query text. Access by area and name::

    from graph.queries import queries
    queries.schema.customer_id_unique      # a Query
    queries.get("load/merge_customers")    # the same, by path
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import LiteralString

from graph.errors import QueryNotFound

CYPHER_DIR = Path(__file__).resolve().parent.parent / "cypher"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


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


def _check_single_statement(path: Path, body: str) -> None:
    # A ';' inside a string literal is allowed; a second statement after a ';' is not.
    stripped = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", body).strip()
    if stripped.rstrip(";").count(";"):
        raise ValueError(f"{path}: one statement per file, found more")


class QueryCatalog:
    """Every Cypher file under ``cypher/``, read once at first use."""

    def __init__(self, root: Path = CYPHER_DIR) -> None:
        self._root = root
        self._by_name: dict[str, Query] | None = None

    def _load(self) -> dict[str, Query]:
        if self._by_name is None:
            found: dict[str, Query] = {}
            for path in sorted(self._root.rglob("*.cypher")):
                rel = path.relative_to(self._root).with_suffix("")
                parts = rel.parts
                if len(parts) != 2 or not all(_NAME.match(p) for p in parts):
                    raise ValueError(f"{path}: expected cypher/<area>/<verb_noun>.cypher")
                body = _strip_comments(path.read_text(encoding="utf-8")).strip()
                _check_single_statement(path, body)
                if not body:
                    raise ValueError(f"{path}: empty query file")
                found["/".join(parts)] = Query("/".join(parts), body.rstrip(";"))
            self._by_name = found
        return self._by_name

    def get(self, name: str) -> Query:
        try:
            return self._load()[name]
        except KeyError:
            raise QueryNotFound(f"no Cypher file cypher/{name}.cypher") from None

    def area(self, area: str) -> Area:
        items = {q.name.split("/", 1)[1]: q for q in self._load().values() if q.area == area}
        return Area(area, items)

    def __getattr__(self, area: str) -> Area:
        if area.startswith("_"):
            raise AttributeError(area)
        return self.area(area)

    def names(self) -> list[str]:
        return sorted(self._load())


queries = QueryCatalog()
