"""The FAISS vector store: exact inner product (FlatIP) for small indexes, HNSW above a threshold.
Ids are insertion ordinals, so a hit is the position of its chunk in the index records."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Self

import numpy as np

from rag.protocols import Ranked
from rag.runtime import apply_thread_limit

# Above this many vectors exact search gives way to HNSW. M/efConstruction/efSearch were tuned by
# `python -m eval.bench --scale 100000` for recall@10 >= 0.98 against exact search (eval/bench/).
HNSW_THRESHOLD = 50_000
HNSW_PARAMS = {"M": 32, "efConstruction": 200, "efSearch": 128}


def dense_plan(n_vectors: int, threshold: int = HNSW_THRESHOLD) -> dict[str, Any]:
    """The index type for this many vectors and its parameters (recorded in the manifest)."""
    if n_vectors > threshold:
        return {"index_type": "hnsw", "hnsw_threshold": threshold, "hnsw": dict(HNSW_PARAMS)}
    return {"index_type": "flat", "hnsw_threshold": threshold}


class FaissStore:
    FILE = "dense.faiss"

    def __init__(self, index: Any) -> None:
        self.index = index  # a faiss.IndexIDMap2; efSearch is saved inside the file

    @classmethod
    def create(cls, dimension: int, plan: dict[str, Any]) -> Self:
        import faiss

        base: Any
        if plan["index_type"] == "hnsw":
            params = plan["hnsw"]
            base = faiss.IndexHNSWFlat(dimension, int(params["M"]), faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efConstruction = int(params["efConstruction"])
            base.hnsw.efSearch = int(params["efSearch"])
        else:
            base = faiss.IndexFlatIP(dimension)
        return cls(faiss.IndexIDMap2(base))

    @classmethod
    def of(cls, vectors: np.ndarray, plan: dict[str, Any] | None = None) -> Self:
        store = cls.create(vectors.shape[1], plan or dense_plan(len(vectors)))
        store.add(vectors)
        return store

    def add(self, vectors: np.ndarray) -> None:
        import faiss

        start = self.count()
        before = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(os.cpu_count() or 1)  # adding is batch work: every core helps (HNSW)
        try:
            ids = np.arange(start, start + len(vectors), dtype=np.int64)
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)
        finally:
            faiss.omp_set_num_threads(before)

    def search(self, query: np.ndarray, k: int) -> Ranked:
        k = min(k, self.count())
        if k <= 0:
            return []
        apply_thread_limit()
        scores, ids = self.index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def count(self) -> int:
        return int(self.index.ntotal)

    def save(self, folder: Path) -> None:
        import faiss

        faiss.write_index(self.index, str(folder / self.FILE))

    @classmethod
    def load(cls, folder: Path) -> Self:
        import faiss

        # The vectors (IndexFlatCodes storage, flat or under HNSW) stay memory-mapped, so loading
        # reads only the HNSW graph; pages searches touch become resident (clean, reclaimable).
        return cls(faiss.read_index(str(folder / cls.FILE), faiss.IO_FLAG_MMAP_IFC))
