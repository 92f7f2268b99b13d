"""The one interface every embedder implements, plus helpers that read optional extras."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from rag.text.chunking import TokenCounter, word_count


@runtime_checkable
class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""
        ...


def model_id(embedder: Embedder) -> str:
    return str(getattr(embedder, "model_id", type(embedder).__name__))


def token_counter(embedder: Embedder) -> TokenCounter:
    """The embedder's own token count when it has one; words otherwise."""
    counter = getattr(embedder, "count_tokens", None)
    return counter if callable(counter) else word_count


def max_tokens(embedder: Embedder) -> int | None:
    value = getattr(embedder, "max_seq_length", None)
    return int(value) if value else None


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
