"""The embedder a configuration names."""

from __future__ import annotations

from rag.config import Config
from rag.protocols import Embedder


def default_embedder(config: Config) -> Embedder:
    """ "hashing-<dim>" for the model-free one, else a sentence-transformers name or path."""
    name = config.embed_model
    if name.startswith("hashing-") and name.removeprefix("hashing-").isdigit():
        from rag.embed.hashing import HashingEmbedder

        return HashingEmbedder(int(name.removeprefix("hashing-")))
    from rag.embed.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(name, batch_size=config.embed_batch_size)
