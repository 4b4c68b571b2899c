"""Typed settings read once from the environment (prefix ``CKG_``).

The password is a :class:`pydantic.SecretStr`: it prints as ``**********`` in reprs,
logs and tracebacks, and only :meth:`Settings.password` reveals it, to the driver.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Documented local default; the local server's initial password is set from it.
DEFAULT_PASSWORD = "ckg-local-password"


class Settings(BaseSettings):
    """Everything ckg reads from the environment."""

    model_config = SettingsConfigDict(env_prefix="CKG_", extra="ignore")

    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr(DEFAULT_PASSWORD)
    neo4j_database: str = "neo4j"
    home: Path = Path(".ckg")
    # Local server sizing for a 2-core, 24 GiB machine; override for smaller or larger hosts.
    neo4j_heap: str = "4g"
    neo4j_pagecache: str = "6g"
    neo4j_http_port: int = 7474
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    #: Largest request body the API reads (bytes); larger ones get 413 before being read.
    api_max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    #: HTTP requests one API worker works on at once; more get 503 with Retry-After at once rather
    #: than queueing behind a slow or unreachable Neo4j (WebSocket subscriptions are not counted).
    api_max_in_flight: int = Field(default=64, gt=0)
    #: Connections to Neo4j one API worker keeps per driver (the async one for portraits and
    #: subscriptions, the synchronous one for pages, mutations and jobs), so at most this many of its
    #: transactions run on the server at once. More wait up to 2 s for a connection, then get 503
    #: with Retry-After: a slow server (just restarted, cold) is not handed more work than it can do.
    api_db_connections: int = Field(default=8, gt=0)
    #: Memory one API worker may give to whole portrait answers (MiB; gql.response_cache): about
    #: 4-5 KB an answer with its bookkeeping, so the default holds some 25,000 of them. 0: none kept.
    api_answer_cache_mb: int = Field(default=128, ge=0)
    #: A SQLite file every API worker on the host keeps those answers in, instead of each its own
    #: (gql.answer_store); then CKG_API_ANSWER_CACHE_MB bounds them all together. ``ckg serve`` sets
    #: it to a fresh private file for its run; unset: each worker keeps its own.
    api_shared_answers: Path | None = None
    #: Secret of the keyed hash (HMAC-SHA256) that names erased people in the suppression list and
    #: the audit trail. Unset: a random key kept in CKG_HOME/privacy.key (created once, mode 0600).
    privacy_key: SecretStr | None = None
    #: A shop's category mapping for catalogue-dependent signals (life stage), TOML (graph.category_map).
    #: Unset: CKG_HOME/category-map.toml when there is one (``make demo`` puts the demo's there).
    category_map: Path | None = None
    #: How long ended tag versions (HAD_TAG) are kept, in days before the refresh's "as of";
    #: a full refresh prunes older ones (graph.tag_history).
    tag_history_days: int = Field(default=365, ge=0)
    #: Chunks of a full refresh's Cypher passes (and of its algorithm families' writes) worked on at
    #: once, each in its own transaction on its own connection: chunks hold disjoint customers, so
    #: the server derives and writes them side by side (graph.tags.refresh). 1: one after another.
    refresh_workers: int = Field(default=2, ge=1, le=32)
    production: bool = False
    introspection: bool = True
    connection_timeout: float = Field(default=5.0, gt=0)

    @field_validator("neo4j_uri")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        scheme = urlparse(value).scheme
        allowed = {"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}
        if scheme not in allowed:
            raise ValueError(f"CKG_NEO4J_URI must start with one of {sorted(allowed)}, got {value!r}")
        return value

    @property
    def category_map_file(self) -> Path | None:
        """The category map in use: CKG_CATEGORY_MAP, else CKG_HOME/category-map.toml if it exists."""
        if self.category_map is not None:
            return self.category_map
        default = self.home / "category-map.toml"
        return default if default.is_file() else None

    @property
    def password(self) -> str:
        """The plain password, for the driver only."""
        return self.neo4j_password.get_secret_value()

    @property
    def bolt_port(self) -> int:
        return urlparse(self.neo4j_uri).port or 7687

    @property
    def bolt_host(self) -> str:
        return urlparse(self.neo4j_uri).hostname or "127.0.0.1"

    @property
    def is_local(self) -> bool:
        """True when the URI points at this machine, where ``ckg db start`` can run the server."""
        return self.bolt_host in {"127.0.0.1", "localhost", "::1"}

    @property
    def browser_url(self) -> str:
        return f"http://{self.bolt_host}:{self.neo4j_http_port}/browser/"

    @property
    def password_source(self) -> str:
        import os

        if "CKG_NEO4J_PASSWORD" in os.environ:
            return "CKG_NEO4J_PASSWORD"
        return "the built-in local default (README, Configuration)"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process, read once."""
    return Settings()
