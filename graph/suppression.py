"""Erased people stay erased: a suppression list of keyed hashes that every load consults.

A person is named by ``HMAC-SHA256(key, "customer:" + id)``, with a secret key from the
environment (``CKG_PRIVACY_KEY``) or, when unset, a random key created once under ``CKG_HOME``.
Without the key the list cannot be tested against guessed ids, which a public salt would allow.
The audit trail names its subjects the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ckg.graph.db import Database, TxRunner
from ckg.graph.errors import ConfigError
from ckg.graph.queries import queries
from ckg.graph.settings import Settings


def _key_file(home: Path) -> bytes:
    path = home / "privacy.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    text = path.read_text().strip()
    if len(text) < 32:
        raise ConfigError(f"{path} holds no usable key; delete it or set CKG_PRIVACY_KEY")
    return text.encode()


@lru_cache(maxsize=4)
def _key(secret: str | None, home: Path) -> bytes:
    if secret is not None:
        if len(secret) < 16:
            raise ConfigError("CKG_PRIVACY_KEY must be at least 16 characters")
        return secret.encode()
    return _key_file(home.resolve())


def privacy_key(settings: Settings) -> bytes:
    secret = settings.privacy_key.get_secret_value() if settings.privacy_key is not None else None
    return _key(secret, settings.home)


def subject_key(key: bytes, customer_id: str) -> str:
    """The keyed hash that names a customer in the suppression list and the audit trail."""
    return hmac.new(key, f"customer:{customer_id}".encode(), hashlib.sha256).hexdigest()


class Suppression:
    """The suppression list as a load sees it."""

    def __init__(self, db: Database) -> None:
        self.key = privacy_key(db.settings)

    def suppressed(self, tx: TxRunner, ids: Iterable[str]) -> set[str]:
        """The customer ids among ``ids`` that belong to erased people."""
        by_key = {subject_key(self.key, i): i for i in ids}
        if not by_key:
            return set()
        return {by_key[r["key"]] for r in tx.run(queries.privacy.find_suppressed, keys=list(by_key))}
