"""Preference groups' similarity graph: nearest neighbours by the Bhattacharyya coefficient."""

from __future__ import annotations

import numpy as np
import pytest

from ckg.graph.algorithms import preference


def test_knn_finds_customers_with_the_same_mix_whatever_their_volume() -> None:
    counts = np.array([
        [10.0, 0.0, 0.0],   # 0: all category A
        [1.0, 0.0, 0.0],    # 1: all A, ten times fewer interactions
        [0.0, 5.0, 5.0],    # 2: half B, half C
        [0.0, 1.0, 1.0],    # 3: the same mix as 2
        [5.0, 5.0, 0.0],    # 4: half A, half B
    ])
    index, score = preference.knn(counts, k=1)
    assert [int(i) for i in index[:4, 0]] == [1, 0, 3, 2]
    assert int(index[4, 0]) in (0, 1)  # 0 and 1 have the same mix: equally similar to 4
    assert score[0, 0] == pytest.approx(1.0)
    assert score[4, 0] == pytest.approx(np.sqrt(0.5))  # sqrt(1 * 0.5) + 0


def test_knn_never_picks_oneself_even_among_more_duplicates_than_k() -> None:
    counts = np.array([[1.0, 0.0]] * 6 + [[0.0, 2.0]] * 3)
    index, score = preference.knn(counts, k=3)
    assert all(i not in row for i, row in enumerate(index.tolist()))
    assert all(set(row) <= set(range(6)) for row in index[:6].tolist())  # the same mix first
    assert score[:6] == pytest.approx(np.ones((6, 3)))


def test_knn_finds_what_the_full_similarity_matrix_finds() -> None:
    rng = np.random.default_rng(0)
    counts = rng.poisson(rng.dirichlet(np.full(12, 0.4), size=600) * 8).astype(float)
    counts[counts.sum(axis=1) == 0, 0] = 1.0
    index, score = preference.knn(counts, k=15)
    roots = np.sqrt(counts / counts.sum(axis=1, keepdims=True))
    sims = roots @ roots.T
    np.fill_diagonal(sims, -1.0)
    best = -np.sort(-sims, axis=1)[:, :15]
    # The same similarities row by row (ties may pick other rows of equal similarity).
    assert -np.sort(-score, axis=1) == pytest.approx(best, abs=1e-9)
    assert np.take_along_axis(sims, index, axis=1) == pytest.approx(score, abs=1e-9)


def test_similarity_graph_keeps_each_pair_once_with_its_larger_similarity() -> None:
    index = np.array([[1, 2], [0, 2], [0, 1]])
    score = np.array([[0.9, 0.0], [0.7, 0.4], [0.5, -0.2]])
    pairs, weights = preference._pairs(index, score)
    # 0-1 seen from both sides (0.9 and 0.7), 0-2 from 2 only (0.0 from 0 is no link), 1-2 from 1
    assert pairs.tolist() == [[0, 1], [0, 2], [1, 2]]
    assert weights.tolist() == [0.9, 0.5, 0.4]
