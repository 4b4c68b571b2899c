"""The category map: a shop's own category names for catalogue-dependent signals, never built in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ckg.graph.category_map import category_map_toml, load_category_map
from ckg.graph.errors import ConfigError
from ckg.loaders.generator import CATEGORY_MAP_FILE, generate


def test_no_map_means_no_life_stage_signal() -> None:
    assert not load_category_map(None).has_life_stage


def test_a_written_map_reads_back_with_any_names(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(category_map_toml(['Baby "Care"', "Ümstandsmode", "a\\b"], ["Krippen"]), encoding="utf-8")
    got = load_category_map(path)
    assert got.expecting == ['Baby "Care"', "Ümstandsmode", "a\\b"] and got.newborn == ["Krippen"]


@pytest.mark.parametrize("text, message", [
    ("[life_stage\nexpecting = [", "not valid TOML"),
    ('life_stage = "x"', "must be a table"),
    ("[life_stage]\nexpecting = [1, 2]", "list of category names"),
    ('[life_stage]\nexpecting = ["a"]\npregnant = ["b"]', "unknown key"),
])
def test_a_broken_map_is_a_clear_config_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_category_map(path)


def test_a_missing_map_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_category_map(tmp_path / "absent.toml")


def test_the_generator_writes_its_catalogue_map_next_to_the_data(tmp_path: Path) -> None:
    generate(50, 1, tmp_path / "d")
    mapping = load_category_map(tmp_path / "d" / CATEGORY_MAP_FILE)
    categories = (tmp_path / "d" / "categories.csv").read_text(encoding="utf-8")
    assert mapping.has_life_stage and all(name in categories for name in mapping.expecting + mapping.newborn)


def test_an_edited_map_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(category_map_toml(["Old"], []), encoding="utf-8")
    assert load_category_map(path).expecting == ["Old"]
    assert load_category_map(path) is load_category_map(path)  # unchanged: parsed once
    path.write_text(category_map_toml(["New"], []), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_category_map(path).expecting == ["New"]
