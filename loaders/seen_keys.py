"""Keys already seen in the file being read, kept on disk so memory does not grow with the file.

An in-memory set of a million event ids costs ~100 MB; a throwaway SQLite table costs a few MB of
page cache whatever the file size, and checks a batch of 10,000 keys in a few milliseconds.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_CHUNK = 500  # keys per IN (...) query, well under SQLite's variable limit


class SeenKeys:
    """Answers "which of these keys came earlier in this file?" batch by batch."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="ckg-keys-")
        self._db = sqlite3.connect(Path(self._dir.name) / "keys.sqlite", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("PRAGMA cache_size=-8000")  # 8 MB
        self._db.execute("CREATE TABLE seen (k TEXT PRIMARY KEY) WITHOUT ROWID")

    @staticmethod
    def encode(key: tuple[Any, ...]) -> str:
        return "\x1f".join(str(part) for part in key)

    def first_seen(self, keys: Sequence[str]) -> list[bool]:
        """For each key, True if it was not seen before (earlier batches or earlier in this batch)."""
        earlier: set[str] = set()
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), _CHUNK):
            chunk = unique[i:i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            earlier.update(r[0] for r in self._db.execute(
                f"SELECT k FROM seen WHERE k IN ({marks})", chunk))  # noqa: S608 - placeholders only
        fresh: list[bool] = []
        in_batch: set[str] = set()
        for k in keys:
            ok = k not in earlier and k not in in_batch
            in_batch.add(k)
            fresh.append(ok)
        self._db.execute("BEGIN")
        self._db.executemany("INSERT OR IGNORE INTO seen VALUES (?)", ((k,) for k in unique))
        self._db.execute("COMMIT")
        return fresh

    def close(self) -> None:
        self._db.close()
        self._dir.cleanup()
