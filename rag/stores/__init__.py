"""Implementations of the stored index parts: vector stores (VectorStore) and lexical indexes
(LexicalIndex). Adding a store is one new file here, its name in `VECTOR_STORES` (rag/config.py,
which validates the vector_store setting with it) and its class in `vector_store_class`."""

from __future__ import annotations

from pathlib import Path

from rag.config import VECTOR_STORES
from rag.errors import IndexCorruptError
from rag.protocols import VectorStore

__all__ = ["VECTOR_STORES", "drop_external", "vector_store_class"]


def vector_store_class(name: str) -> type[VectorStore]:
    """The class that reads back a store of the name an index manifest records."""
    if name == "faiss":
        from rag.stores.faiss_store import FaissStore

        return FaissStore
    if name == "milvus":
        from rag.stores.milvus_store import MilvusStore

        return MilvusStore
    raise IndexCorruptError(
        f"the index was written by vector store {name!r}, which this version does not know "
        f"(known: {', '.join(VECTOR_STORES)}): rebuild with `rag index`"
    )


def drop_external(build: Path) -> None:
    """Free what a build's store keeps outside its folder (a Milvus collection) before the folder
    is deleted; FAISS keeps everything inside it, so this only acts on Milvus builds."""
    from rag.stores.milvus_store import MilvusStore

    MilvusStore.discard(build)
