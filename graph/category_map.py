"""Which of a shop's own categories signal what: the catalogue-dependent signals of some tag
families, read from a TOML file (``CKG_CATEGORY_MAP``) rather than from names built into ckg.

A shop writes its own file and points ``CKG_CATEGORY_MAP`` at it, or puts it at
``CKG_HOME/category-map.toml``, used when the variable is unset. ``ckg generate`` writes one for its
synthetic catalogue next to the data (``DIR/category-map.toml``), and ``make demo`` copies it to
``CKG_HOME`` (unless a map is there already)::

    # Leaf category names (Category.name) whose purchases signal a life stage.
    [life_stage]
    expecting = ["Maternity Wear", "Prenatal Vitamins"]   # bought while expecting
    newborn = ["Newborn Clothes", "Cribs"]                # bought for a newborn

Without a map, the families that need one derive nothing and the refresh says so.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ckg.graph.errors import ConfigError


@dataclass(frozen=True)
class CategoryMap:
    expecting: list[str] = field(default_factory=list)
    newborn: list[str] = field(default_factory=list)
    source: str = ""  # the file it came from ("" = none)

    @property
    def has_life_stage(self) -> bool:
        return bool(self.expecting)


def load_category_map(path: Path | None) -> CategoryMap:
    """Read and check the map; an absent path gives an empty map, a broken file a :class:`ConfigError`."""
    if path is None:
        return CategoryMap()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise ConfigError(f"CKG_CATEGORY_MAP: cannot read {path}: {exc.strerror}") from None
    return _parsed(path, stamp)


@lru_cache(maxsize=8)
def _parsed(path: Path, stamp: int) -> CategoryMap:
    """The map as of the file's modification time ``stamp``: every incremental refresh (each
    ``recordEvents``) asks for it, and the file is read again only when it changes."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"CKG_CATEGORY_MAP: cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"CKG_CATEGORY_MAP: {path} is not valid TOML: {exc}") from None
    section = data.get("life_stage", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [life_stage] must be a table")
    lists: dict[str, list[str]] = {}
    for key in ("expecting", "newborn"):
        value = section.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"{path}: life_stage.{key} must be a list of category names")
        lists[key] = value
    unknown = set(section) - {"expecting", "newborn"}
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) in [life_stage]: {', '.join(sorted(unknown))}")
    return CategoryMap(lists["expecting"], lists["newborn"], str(path))


def category_map_toml(expecting: list[str], newborn: list[str]) -> str:
    """The file a generator (or a shop's script) writes."""
    def names(values: list[str]) -> str:
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"  # JSON strings are TOML

    return ("# Which of the shop's categories signal what (ckg ships no category names).\n"
            "# Leaf category names (Category.name) whose purchases signal a life stage.\n"
            "[life_stage]\n"
            f"expecting = {names(expecting)}  # bought while expecting\n"
            f"newborn = {names(newborn)}  # bought for a newborn\n")
