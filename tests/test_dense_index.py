"""Exact search below the HNSW threshold, HNSW with recorded parameters above it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.stores.faiss_store import HNSW_PARAMS, HNSW_THRESHOLD, FaissStore, dense_plan


def _vectors(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_plan_switches_to_hnsw_above_the_threshold() -> None:
    assert dense_plan(HNSW_THRESHOLD)["index_type"] == "flat"
    plan = dense_plan(HNSW_THRESHOLD + 1)
    assert plan == {"index_type": "hnsw", "hnsw_threshold": HNSW_THRESHOLD, "hnsw": HNSW_PARAMS}
    assert dense_plan(11, threshold=10)["index_type"] == "hnsw"


def test_hnsw_keeps_its_parameters_on_disk_and_finds_the_exact_neighbours(tmp_path: Path) -> None:
    import faiss

    vectors = _vectors(3000)
    hnsw = FaissStore.of(vectors, dense_plan(len(vectors), threshold=1000))
    exact = FaissStore.of(vectors, dense_plan(len(vectors)))
    hnsw.save(tmp_path)
    loaded = FaissStore.load(tmp_path)
    assert loaded.count() == len(vectors)
    inner = faiss.downcast_index(faiss.downcast_index(loaded.index).index)
    assert isinstance(inner, faiss.IndexHNSWFlat)
    assert inner.hnsw.efSearch == HNSW_PARAMS["efSearch"]
    queries = _vectors(50, seed=1)
    got = [{i for i, _ in loaded.search(q, 10)} for q in queries]
    want = [{i for i, _ in exact.search(q, 10)} for q in queries]
    recall = np.mean([len(g & w) / 10 for g, w in zip(got, want, strict=True)])
    assert recall >= 0.95  # uniform random vectors are HNSW's hardest case; the benchmark measures real ones


def test_manifest_records_the_index_type_and_threshold(assistant) -> None:  # type: ignore[no-untyped-def]
    manifest = assistant.data.manifest
    assert manifest["index_type"] == "flat" and manifest["hnsw_threshold"] == HNSW_THRESHOLD


def test_a_search_thread_started_after_the_limit_keeps_to_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """OpenMP keeps its thread count per thread: a server's request threads, started after
    limit_threads ran, must still search with that count (not spin every core under load)."""
    import threading

    import faiss

    from rag import runtime

    monkeypatch.setattr(runtime, "_omp_limit", 1)
    store = FaissStore.of(_vectors(50))
    seen: list[int] = []

    def search() -> None:
        faiss.omp_set_num_threads(3)  # as a thread that never heard of the limit might have
        store.search(_vectors(1, seed=1)[0], 5)
        seen.append(faiss.omp_get_max_threads())

    thread = threading.Thread(target=search)
    thread.start()
    thread.join()
    assert seen == [1]
