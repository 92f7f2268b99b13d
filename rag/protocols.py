"""The role interfaces of the engine, each written out in full: callers use these members and no
others (no attribute probing). The query pipeline (rag/query/) is assembled from them by one factory;
adding a reranker or a vector store means writing one class that satisfies one of these."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable

import numpy as np

from rag.types import Hit

if TYPE_CHECKING:
    from rag.query.state import QueryState
    from rag.verify import Support

Ranked = list[tuple[int, float]]  # (item ordinal, score), best first


class Vectors(Protocol):
    """A matrix of vectors, one row per item: a numpy array, or a loaded index's file whose rows
    are read when asked for (rag/index/arrays.py). Indexed by a row, a slice or a list of rows."""

    @property
    def shape(self) -> tuple[int, ...]: ...

    def __len__(self) -> int: ...

    def __getitem__(self, key: Any, /) -> Any: ...


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; models load lazily on first use."""

    @property
    def model_id(self) -> str:
        """The name or path the model was loaded from: recorded in the index manifest."""
        ...

    @property
    def dimension(self) -> int: ...

    @property
    def max_tokens(self) -> int | None:
        """The longest input the model reads (None when it has no limit); chunks stay under it."""
        ...

    def count_tokens(self, text: str) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        ...


@runtime_checkable
class Persistent(Protocol):
    """What every stored index part shares: its size, and a round trip through a folder."""

    def count(self) -> int: ...

    def save(self, folder: Path) -> None: ...

    @classmethod
    def load(cls, folder: Path) -> Self: ...


@runtime_checkable
class VectorStore(Persistent, Protocol):
    """Nearest neighbours by inner product over normalised vectors, ids = insertion ordinals."""

    def add(self, vectors: np.ndarray) -> None: ...

    def search(self, query: np.ndarray, k: int) -> Ranked: ...


@runtime_checkable
class LexicalIndex(Persistent, Protocol):
    """Keyword ranking over the same items as the vector store."""

    def search(self, tokens: Sequence[str], k: int) -> Ranked: ...


@runtime_checkable
class Reranker(Protocol):
    """Reorders (and may drop) retrieved passages; the default keeps the fused order."""

    def rerank(self, question: str, hits: Sequence[Hit]) -> list[Hit]: ...


@runtime_checkable
class Composer(Protocol):
    """Turns the state's evidence into the chosen answer sentences (or an abstention)."""

    def compose(self, state: QueryState) -> QueryState: ...


@runtime_checkable
class Verifier(Protocol):
    """The one sentence-support check: does `quote` (a source span) support the claim `text`?"""

    def support(self, text: str, quote: str) -> Support: ...
