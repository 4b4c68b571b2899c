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
    assert [int(i) for i in index[:, 0]] == [1, 0, 3, 2, 0]
    assert score[0, 0] == pytest.approx(1.0)
    assert score[4, 0] == pytest.approx(np.sqrt(0.5))  # sqrt(1 * 0.5) + 0


def test_knn_never_picks_oneself_across_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preference, "BLOCK", 3)
    rng = np.random.default_rng(0)
    counts = rng.integers(0, 5, size=(10, 4)).astype(float) + 0.1
    index, _ = preference.knn(counts, k=4)
    assert all(i not in row for i, row in enumerate(index.tolist()))


def test_similarity_graph_keeps_each_pair_once_with_its_larger_similarity() -> None:
    index = np.array([[1, 2], [0, 2], [0, 1]])
    score = np.array([[0.9, 0.0], [0.7, 0.4], [0.5, -0.2]])
    pairs, weights = preference._pairs(index, score)
    # 0-1 seen from both sides (0.9 and 0.7), 0-2 from 2 only (0.0 from 0 is no link), 1-2 from 1
    assert pairs.tolist() == [[0, 1], [0, 2], [1, 2]]
    assert weights.tolist() == [0.9, 0.5, 0.4]
