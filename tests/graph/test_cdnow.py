"""CDNOW through the product path: convert, ``ckg load``, ``ckg tags refresh --as-of``, the Model read back.

Fader, Hardie and Lee (2005) fit BG/NBD on the first 39 weeks of the CDNOW sample; the fit kept
in the graph must reproduce theirs within 1%.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ckg.graph.db import Database
from ckg.graph.queries import queries
from ckg.graph.settings import Settings
from ckg.loaders import cdnow

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_LL = -9582.4


def _wheel() -> Path:
    found = sorted((Settings().home / "reference").glob("Lifetimes-*.whl"))
    if not found:
        pytest.fail("CDNOW reference data missing: `make setup` downloads it into .ckg/reference/")
    return found[-1]


def _ckg(settings: Settings, home: Path, *args: str) -> str:
    env = {**os.environ, "CKG_NEO4J_URI": settings.neo4j_uri, "CKG_NEO4J_PASSWORD": settings.password,
           "CKG_HOME": str(home), "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "ckg", *args], env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_cdnow_fit_through_load_and_refresh_matches_the_paper(db: Database, settings: Settings,
                                                              tmp_path: Path) -> None:
    data = tmp_path / "cdnow"
    _ckg(settings, tmp_path / "home", "convert", "cdnow", str(_wheel()), "--out", str(data))
    _ckg(settings, tmp_path / "home", "load", str(data))
    _ckg(settings, tmp_path / "home", "tags", "refresh", "--only", "likely_to_buy_soon",
         "--as-of", cdnow.CALIBRATION_END)

    models = db.read(queries.algorithms.list_models, kind="bgnbd")
    assert len(models) == 1
    model = models[0]
    assert model["calibrationEnd"].startswith("1997-09-30T00:00")
    assert model["customers"] == 2357
    for name, value in PUBLISHED.items():
        assert model[name] == pytest.approx(value, rel=0.01), name
    assert model["logLikelihood"] == pytest.approx(PUBLISHED_LL, rel=0.001)

    # A replay before anyone bought fits nothing, says so, and the model stays.
    out = _ckg(settings, tmp_path / "home", "tags", "refresh", "--only", "likely_to_buy_soon",
               "--as-of", "1996-12-31T00:00:00Z")
    assert "skipped" in out and "1997-09-30" in out
    assert db.read(queries.algorithms.list_models, kind="bgnbd") == models
