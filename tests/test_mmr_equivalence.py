"""The vectorised MMR picks exactly what the plain greedy loop picks."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.retrieve.search import mmr


def greedy_mmr(
    candidates: list[int], relevance: dict[int, float], vectors: np.ndarray, lam: float, k: int
) -> list[int]:
    rel = np.array([relevance[c] for c in candidates], dtype=np.float64)
    span = rel.max() - rel.min()
    rel = (rel - rel.min()) / span if span > 0 else np.ones_like(rel)
    sims = vectors[candidates] @ vectors[candidates].T
    chosen: list[int] = []
    left = list(range(len(candidates)))
    while left and len(chosen) < k:
        penalty = [max((sims[i, j] for j in chosen), default=0.0) for i in left]
        scores = [lam * rel[i] - (1 - lam) * p for i, p in zip(left, penalty, strict=True)]
        best = left[int(np.argmax(scores))]
        chosen.append(best)
        left.remove(best)
    return [candidates[i] for i in chosen]


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(1, 30),
    k=st.integers(1, 8),
    lam=st.sampled_from([0.0, 0.3, 0.7, 1.0]),
    seed=st.integers(0, 10_000),
    ties=st.booleans(),
)
def test_vectorised_mmr_matches_the_greedy_loop(n: int, k: int, lam: float, seed: int, ties: bool) -> None:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n + 3, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    candidates = [int(i) for i in rng.permutation(n + 3)[:n]]
    scores = rng.integers(0, 3, n) if ties else rng.random(n)
    relevance = {c: float(s) for c, s in zip(candidates, scores, strict=True)}
    assert mmr(candidates, relevance, vectors, lam, k) == greedy_mmr(candidates, relevance, vectors, lam, k)
