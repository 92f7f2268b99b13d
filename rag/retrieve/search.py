"""Dense and BM25 top-k, reciprocal rank fusion, then maximal marginal relevance."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.index.store import IndexData
from rag.types import Hit

Ranked = list[tuple[int, float]]  # (chunk ordinal, score), best first


def set_search_threads(n: int) -> None:
    """Threads for FAISS (OpenMP) and numpy's BLAS while answering. A question is one search and a
    few tiny matrix products: extra threads buy nothing there, and on a busy 2-core machine their
    spin-waiting made a 40×384 product take 20 ms instead of 0.05 ms (eval/bench/)."""
    import faiss
    from threadpoolctl import threadpool_limits

    faiss.omp_set_num_threads(n)
    threadpool_limits(limits=n, user_api="blas")


def dense_search(data: IndexData, qvec: np.ndarray, k: int) -> Ranked:
    k = min(k, len(data.chunks))
    scores, ids = data.dense.search(np.ascontiguousarray(qvec.reshape(1, -1), dtype=np.float32), k)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


def bm25_search(data: IndexData, tokens: Sequence[str], k: int) -> Ranked:
    if not tokens:
        return []
    scores = np.asarray(data.bm25.get_scores(list(tokens)))
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def rrf(lists: Sequence[Ranked], k: int, weights: Sequence[float] | None = None) -> dict[int, float]:
    """Weighted reciprocal rank fusion: sum of weight / (k + rank) over the lists a chunk appears in."""
    fused: dict[int, float] = {}
    for ranked, weight in zip(lists, weights or [1.0] * len(lists), strict=True):
        for rank, (i, _) in enumerate(ranked, start=1):
            fused[i] = fused.get(i, 0.0) + weight / (k + rank)
    return fused


def mmr(candidates: Sequence[int], relevance: dict[int, float], vectors: np.ndarray, lam: float, k: int) -> list[int]:
    """Greedy MMR: relevance (rescaled to [0, 1]) traded against similarity to what is chosen."""
    if not candidates:
        return []
    rel = np.array([relevance[c] for c in candidates], dtype=np.float64)
    span = rel.max() - rel.min()
    rel = (rel - rel.min()) / span if span > 0 else np.ones_like(rel)
    cand = vectors[list(candidates)]
    sims = cand @ cand.T
    # Vectorised over candidates (this runs on every question): penalty[i] is the highest similarity
    # of candidate i to anything chosen so far, 0 before the first pick.
    penalty = np.zeros(len(candidates), dtype=sims.dtype)
    taken = np.zeros(len(candidates), dtype=bool)
    chosen: list[int] = []
    while len(chosen) < min(k, len(candidates)):
        scores = np.where(taken, -np.inf, lam * rel - (1 - lam) * penalty)
        best = int(np.argmax(scores))
        penalty = sims[:, best] if not chosen else np.maximum(penalty, sims[:, best])
        chosen.append(best)
        taken[best] = True
    return [candidates[i] for i in chosen]


def retrieve(
    data: IndexData,
    qvec: np.ndarray,
    tokens: Sequence[str],
    *,
    k: int,
    k_dense: int,
    k_bm25: int,
    rrf_k: int,
    mode: str,
    mmr_lambda: float | None,
    dense_weight: float = 1.0,
) -> list[Hit]:
    dense = dense_search(data, qvec, k_dense) if mode in ("hybrid", "dense") else []
    lexical = bm25_search(data, tokens, k_bm25) if mode in ("hybrid", "bm25") else []
    fused = rrf([dense, lexical], rrf_k, [dense_weight, 1.0])
    ordered = sorted(fused, key=lambda i: -fused[i])
    if mmr_lambda is not None:
        ordered = mmr(ordered, fused, data.chunk_vectors, mmr_lambda, k)
    d_rank = {i: (r, s) for r, (i, s) in enumerate(dense, start=1)}
    b_rank = {i: (r, s) for r, (i, s) in enumerate(lexical, start=1)}
    return [
        Hit(
            rank=rank,
            chunk=data.chunks[i],
            score=fused[i],
            dense_rank=d_rank.get(i, (0, 0.0))[0],
            dense_score=d_rank.get(i, (0, 0.0))[1],
            bm25_rank=b_rank.get(i, (0, 0.0))[0],
            bm25_score=b_rank.get(i, (0, 0.0))[1],
        )
        for rank, i in enumerate(ordered[:k], start=1)
    ]
