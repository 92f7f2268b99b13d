"""Implementations of the stored index parts: vector stores (VectorStore) and lexical indexes
(LexicalIndex). Adding a store is one new file here plus its name in `VECTOR_STORES`."""

from __future__ import annotations

from pathlib import Path

from rag.errors import IndexCorruptError
from rag.protocols import VectorStore

# Name recorded in the index manifest → the class that reads that store back.
VECTOR_STORES = ("faiss", "milvus")


def vector_store_class(name: str) -> type[VectorStore]:
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
