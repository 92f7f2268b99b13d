"""The lexical index: BM25 (bm25s) over the chunks' tokens, ids = chunk ordinals."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np

from rag.protocols import Ranked
from rag.retrieve.lexical import tokenize


class Bm25Index:
    FOLDER = "bm25"

    def __init__(self, bm25: Any) -> None:
        self.bm25 = bm25  # bm25s.BM25

    @classmethod
    def of(cls, texts: Sequence[str]) -> Self:
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index([tokenize(t) for t in texts], show_progress=False)
        return cls(bm25)

    def search(self, tokens: Sequence[str], k: int) -> Ranked:
        if not tokens or k <= 0:
            return []
        scores = np.asarray(self.bm25.get_scores(list(tokens)))
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def count(self) -> int:
        return int(self.bm25.scores["num_docs"])

    def save(self, folder: Path) -> None:
        self.bm25.save(str(folder / self.FOLDER), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> Self:
        import bm25s

        return cls(bm25s.BM25.load(str(folder / cls.FOLDER), show_progress=False))
