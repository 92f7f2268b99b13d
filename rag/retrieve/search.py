"""Dense and BM25 top-k, reciprocal rank fusion, then maximal marginal relevance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from rag.errors import QuestionError
from rag.limits import MODES
from rag.protocols import LexicalIndex, Ranked, Vectors, VectorStore
from rag.types import Chunk, Hit


class SearchSpace(Protocol):
    """What retrieval reads from a loaded index (the on-disk index type satisfies it)."""

    @property
    def chunks(self) -> Sequence[Chunk]: ...

    @property
    def chunk_vectors(self) -> Vectors: ...

    @property
    def dense(self) -> VectorStore: ...

    @property
    def lexical(self) -> LexicalIndex: ...


@dataclass(frozen=True)
class SearchPlan:
    """How one question is retrieved: list depths, fusion and diversity settings."""

    k: int
    k_dense: int
    k_bm25: int
    rrf_k: int
    mode: str = "hybrid"
    mmr_lambda: float | None = None  # None: no MMR, keep the fused order
    dense_weight: float = 1.0  # RRF weight of the dense list (BM25's is 1)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise QuestionError(f"mode {self.mode!r} is not one of {', '.join(MODES)}")


def rrf(lists: Sequence[Ranked], k: int, weights: Sequence[float] | None = None) -> dict[int, float]:
    """Weighted reciprocal rank fusion: sum of weight / (k + rank) over the lists a chunk appears in."""
    fused: dict[int, float] = {}
    for ranked, weight in zip(lists, weights or [1.0] * len(lists), strict=True):
        for rank, (i, _) in enumerate(ranked, start=1):
            fused[i] = fused.get(i, 0.0) + weight / (k + rank)
    return fused


def mmr(candidates: Sequence[int], relevance: dict[int, float], vectors: Vectors, lam: float, k: int) -> list[int]:
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
    space: SearchSpace, qvec: np.ndarray, tokens: Sequence[str], plan: SearchPlan, keywords: Ranked | None = None
) -> list[Hit]:
    """`keywords`: the keyword search's top plan.k_bm25 when it already ran (see rag/query/steps.py)."""
    dense = space.dense.search(qvec, plan.k_dense) if plan.mode in ("hybrid", "dense") else []
    lexical: Ranked = []
    if plan.mode in ("hybrid", "bm25"):
        lexical = space.lexical.search(tokens, plan.k_bm25) if keywords is None else keywords
    fused = rrf([dense, lexical], plan.rrf_k, [plan.dense_weight, 1.0])
    ordered = sorted(fused, key=lambda i: -fused[i])
    if plan.mmr_lambda is not None:
        ordered = mmr(ordered, fused, space.chunk_vectors, plan.mmr_lambda, plan.k)
    d_rank = {i: (r, s) for r, (i, s) in enumerate(dense, start=1)}
    b_rank = {i: (r, s) for r, (i, s) in enumerate(lexical, start=1)}
    return [
        Hit(
            rank=rank,
            chunk=space.chunks[i],
            score=fused[i],
            dense_rank=d_rank.get(i, (0, 0.0))[0],
            dense_score=d_rank.get(i, (0, 0.0))[1],
            bm25_rank=b_rank.get(i, (0, 0.0))[0],
            bm25_score=b_rank.get(i, (0, 0.0))[1],
        )
        for rank, i in enumerate(ordered[: plan.k], start=1)
    ]
