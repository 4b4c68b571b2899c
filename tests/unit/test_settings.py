"""Settings: defaults, validation and the password as a secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ckg.graph.settings import DEFAULT_PASSWORD, Settings


def test_defaults_point_at_local_server(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("CKG_NEO4J_URI", "CKG_NEO4J_USER", "CKG_NEO4J_PASSWORD", "CKG_HOME"):
        monkeypatch.delenv(var, raising=False)
    s = Settings()
    assert s.neo4j_uri == "bolt://127.0.0.1:7687"
    assert s.neo4j_user == "neo4j"
    assert s.password == DEFAULT_PASSWORD
    assert s.is_local and s.bolt_port == 7687


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CKG_NEO4J_URI", "neo4j+s://db.example.com:7688")
    monkeypatch.setenv("CKG_NEO4J_PASSWORD", "s3cret-value-123")
    s = Settings()
    assert s.bolt_port == 7688 and not s.is_local
    assert s.password == "s3cret-value-123"


def test_password_never_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CKG_NEO4J_PASSWORD", "hunter2-very-secret")
    s = Settings()
    for text in (str(s), repr(s), s.model_dump_json(), str(s.model_dump()), s.password_source):
        assert "hunter2-very-secret" not in text


def test_unknown_uri_scheme_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CKG_NEO4J_URI", "http://127.0.0.1:7474")
    with pytest.raises(ValidationError, match="CKG_NEO4J_URI"):
        Settings()


def test_api_body_limit_defaults_to_one_mib_and_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CKG_API_MAX_BODY_BYTES", raising=False)
    assert Settings().api_max_body_bytes == 1024 * 1024
    monkeypatch.setenv("CKG_API_MAX_BODY_BYTES", "65536")
    assert Settings().api_max_body_bytes == 65536
    monkeypatch.setenv("CKG_API_MAX_BODY_BYTES", "0")
    with pytest.raises(ValidationError, match="api_max_body_bytes"):
        Settings()


def test_the_category_map_defaults_to_the_one_in_ckg_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CKG_CATEGORY_MAP", raising=False)
    monkeypatch.setenv("CKG_HOME", str(tmp_path))
    assert Settings().category_map_file is None  # none there: no life-stage tags, and the refresh says so
    (tmp_path / "category-map.toml").write_text('[life_stage]\nexpecting = ["Cribs"]\n')
    assert Settings().category_map_file == tmp_path / "category-map.toml"
    own = tmp_path / "shop.toml"
    monkeypatch.setenv("CKG_CATEGORY_MAP", str(own))
    assert Settings().category_map_file == own  # the variable wins
