"""Implementations of the stored index parts: vector stores (VectorStore) and lexical indexes
(LexicalIndex). Adding a store is one new file here plus its name in `VECTOR_STORES`."""

from __future__ import annotations

from rag.errors import IndexCorruptError
from rag.protocols import VectorStore

# Name recorded in the index manifest → the class that reads that store back.
VECTOR_STORES = ("faiss",)


def vector_store_class(name: str) -> type[VectorStore]:
    if name == "faiss":
        from rag.stores.faiss_store import FaissStore

        return FaissStore
    raise IndexCorruptError(
        f"the index was written by vector store {name!r}, which this version does not know "
        f"(known: {', '.join(VECTOR_STORES)}): rebuild with `rag index`"
    )
