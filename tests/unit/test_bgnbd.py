"""BG/NBD: reproduces the published CDNOW fit (Fader, Hardie and Lee 2005)."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from pathlib import Path

import pytest

from ckg.graph.algorithms.bgnbd import BgNbdParams, expected_purchases, fit, hyp2f1, log_likelihood, p_alive

REFERENCE_DIR = Path(__file__).resolve().parents[2] / ".ckg" / "reference"
PUBLISHED = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426)  # their Table/Figure; LL = -9582.4


def cdnow() -> list[tuple[float, float, float]]:
    """The CDNOW summary (x, t_x, T in weeks) as shipped in the Lifetimes wheel on PyPI."""
    wheels = sorted(REFERENCE_DIR.glob("[Ll]ifetimes-*.whl"))
    if not wheels:
        pytest.fail("CDNOW reference data missing: `make setup` downloads it into .ckg/reference/")
    with zipfile.ZipFile(wheels[0]) as zf:
        text = zf.read("lifetimes/datasets/cdnow_customers_summary.csv").decode()
    rows = csv.DictReader(io.StringIO(text))
    return [(float(r["frequency"]), float(r["recency"]), float(r["T"])) for r in rows]


def test_fit_reproduces_published_cdnow_parameters() -> None:
    data = cdnow()
    assert len(data) == 2357
    got = fit(data)
    for name in ("r", "alpha", "a", "b"):
        assert getattr(got, name) == pytest.approx(getattr(PUBLISHED, name), rel=0.01), name
    assert log_likelihood(got, data) == pytest.approx(-9582.4, abs=0.5)


def test_hyp2f1_matches_closed_forms() -> None:
    # 2F1(1, 1; 2; z) = -ln(1 - z) / z
    z = 0.3
    assert hyp2f1(1, 1, 2, z) == pytest.approx(-math.log(1 - z) / z, rel=1e-10)


def test_no_repeat_buyer_is_alive_and_recent_buyer_more_likely_than_lapsed() -> None:
    assert p_alive(PUBLISHED, 0, 0, 30) == 1.0
    recent = p_alive(PUBLISHED, 5, 29, 30)
    lapsed = p_alive(PUBLISHED, 5, 5, 30)
    assert 0 < lapsed < recent < 1


def test_expected_purchases_grow_with_horizon_and_frequency() -> None:
    e10 = expected_purchases(PUBLISHED, 10, 2, 30.43, 38.86)
    e39 = expected_purchases(PUBLISHED, 39, 2, 30.43, 38.86)
    assert 0 < e10 < e39
    assert expected_purchases(PUBLISHED, 39, 6, 30.43, 38.86) > e39


def test_expected_purchases_agree_with_simulation() -> None:
    """Monte Carlo of the BG/NBD story for one history agrees with the closed form."""
    import random

    rng = random.Random(1)
    p, (x, tx, T), t = PUBLISHED, (2.0, 30.43, 38.86), 39.0
    # Posterior of lambda given the history is Gamma(r+x, alpha+T) if alive at T; alive with p_alive.
    alive = p_alive(p, x, tx, T)
    total, n = 0.0, 20000
    for _ in range(n):
        if rng.random() > alive:
            continue
        lam = rng.gammavariate(p.r + x, 1 / (p.alpha + T))
        # posterior of the dropout probability: Beta(a, b + x)
        q = rng.betavariate(p.a, p.b + x)
        clock, count = 0.0, 0
        while True:
            clock += rng.expovariate(lam)
            if clock > t:
                break
            count += 1
            if rng.random() < q:
                break
        total += count
    assert total / n == pytest.approx(expected_purchases(p, t, x, tx, T), rel=0.05)
