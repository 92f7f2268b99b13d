"""The lexical index: BM25 (bm25s) over the chunks' tokens, ids = chunk ordinals."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np

from rag.protocols import Ranked
from rag.retrieve.lexical import tokenize

# From this many chunks on, the top k is found among the scores above a threshold read off a sample
# (a partition of a million scores took 5.5 ms of a 15 ms answer).
SAMPLED_TOP_K = 65_536
SAMPLE_STEP = 64


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indexes of k highest scores, unordered. Exact: the k-th highest of a sample is a lower bound
    of the k-th highest of all, so every score above the true k-th passes the threshold."""
    sample = scores[::SAMPLE_STEP]
    if len(scores) < SAMPLED_TOP_K or len(sample) < k:
        return np.argpartition(-scores, k - 1)[:k]
    bound = np.partition(sample, len(sample) - k)[len(sample) - k]
    keep = np.flatnonzero(scores >= bound)
    return keep[np.argpartition(-scores[keep], k - 1)[:k]]


class Bm25Index:
    FOLDER = "bm25"

    def __init__(self, bm25: Any) -> None:
        self.bm25 = bm25  # bm25s.BM25

    @classmethod
    def of(cls, texts: Sequence[str]) -> Self:
        import bm25s

        bm25 = bm25s.BM25()
        # Interned: one string per distinct token instead of one per use (3 GB at a million chunks).
        bm25.index([[sys.intern(w) for w in tokenize(t)] for t in texts], show_progress=False)
        return cls(bm25)

    def search(self, tokens: Sequence[str], k: int) -> Ranked:
        if not tokens or k <= 0:
            return []
        scores = np.asarray(self.bm25.get_scores(list(tokens)))
        k = min(k, len(scores))
        top = top_k(scores, k)
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def count(self) -> int:
        return int(self.bm25.scores["num_docs"])

    def save(self, folder: Path) -> None:
        self.bm25.save(str(folder / self.FOLDER), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> Self:
        import bm25s

        # The score matrix stays memory-mapped: a query reads the columns of its own tokens only.
        return cls(bm25s.BM25.load(str(folder / cls.FOLDER), mmap=True, show_progress=False))
