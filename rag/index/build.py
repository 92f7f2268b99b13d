"""corpus → documents → chunks + sentences → vectors (cached) → FAISS + BM25 → index folder."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.config import Config
from rag.corpus.metadata import METADATA_FILE
from rag.corpus.reader import Skipped, corpus_files, read_corpus
from rag.embed.cache import EmbeddingCache
from rag.errors import ConfigError
from rag.index.store import IndexData, write_index
from rag.protocols import Embedder
from rag.retrieve.lexical import tokenize
from rag.text.chunking import chunk_document
from rag.text.sentences import split_document
from rag.types import Sentence
from rag.version import __version__

# Above this many chunks exact search gives way to HNSW. M/efConstruction/efSearch were tuned by
# `python -m eval.bench --scale 100000` for recall@10 >= 0.98 against exact search (eval/bench/).
HNSW_THRESHOLD = 50_000
HNSW_PARAMS = {"M": 32, "efConstruction": 200, "efSearch": 128}


@dataclass(frozen=True)
class BuildReport:
    path: Path
    documents: int
    chunks: int
    sentences: int
    embedded: int
    cached: int
    skipped: tuple[Skipped, ...]
    seconds: float


def corpus_hash(config: Config) -> str:
    """Fingerprint of every input file's bytes (metadata included): any edit makes the index stale."""
    h = hashlib.sha256()
    folder = config.corpus_path
    files = corpus_files(folder)
    meta = folder / METADATA_FILE
    for path in [*files, meta] if meta.is_file() else files:
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def settings_signature(config: Config, embedder: Embedder) -> dict[str, Any]:
    return {
        "model_id": embedder.model_id,
        "chunk_tokens": config.chunk_tokens,
        "chunk_overlap": config.chunk_overlap,
    }


def embed_batched(embedder: Embedder, texts: list[str], batch: int, progress: bool) -> np.ndarray:
    from tqdm import tqdm

    parts = []
    with tqdm(total=len(texts), desc="Embedding", unit="text", disable=not progress, file=sys.stderr) as bar:
        for i in range(0, len(texts), batch):
            parts.append(embedder.embed(texts[i : i + batch]))
            bar.update(min(batch, len(texts) - i))
    return np.concatenate(parts).astype(np.float32)


def dense_plan(n_chunks: int, threshold: int = HNSW_THRESHOLD) -> dict[str, Any]:
    """The dense index type for this many chunks and its parameters (recorded in the manifest)."""
    if n_chunks > threshold:
        return {"index_type": "hnsw", "hnsw_threshold": threshold, "hnsw": dict(HNSW_PARAMS)}
    return {"index_type": "flat", "hnsw_threshold": threshold}


def dense_index(vectors: np.ndarray, plan: dict[str, Any] | None = None) -> Any:
    """Exact inner product (FlatIP) for small indexes, HNSW above the threshold; efSearch is saved
    inside the FAISS file, so a loaded index searches with the parameters it was built with."""
    import faiss

    plan = plan or dense_plan(len(vectors))
    dim = vectors.shape[1]
    base: Any
    if plan["index_type"] == "hnsw":
        params = plan["hnsw"]
        base = faiss.IndexHNSWFlat(dim, int(params["M"]), faiss.METRIC_INNER_PRODUCT)
        base.hnsw.efConstruction = int(params["efConstruction"])
        base.hnsw.efSearch = int(params["efSearch"])
    else:
        base = faiss.IndexFlatIP(dim)
    index = faiss.IndexIDMap2(base)
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # building is batch work: every core helps (HNSW)
    try:
        index.add_with_ids(np.ascontiguousarray(vectors), np.arange(len(vectors), dtype=np.int64))
    finally:
        faiss.omp_set_num_threads(before)
    return index


def bm25_index(texts: Sequence[str]) -> Any:
    import bm25s

    bm25 = bm25s.BM25()
    bm25.index([tokenize(t) for t in texts], show_progress=False)
    return bm25


def build_index(config: Config, embedder: Embedder, progress: bool = True) -> BuildReport:
    started = time.perf_counter()
    fingerprint = corpus_hash(config)
    corpus = read_corpus(config.corpus_path, config.root)
    limit = embedder.max_tokens
    if limit and config.chunk_tokens > limit - 2:
        raise ConfigError(
            f"chunk_tokens={config.chunk_tokens} exceeds what {embedder.model_id} reads ({limit} tokens): "
            f"set chunk_tokens below {limit - 2}"
        )
    count = embedder.count_tokens
    chunks = [c for d in corpus.documents for c in chunk_document(d, config.chunk_tokens, config.chunk_overlap, count)]
    sentences: list[Sentence] = []
    for d in corpus.documents:
        sentences.extend(split_document(d, first_id=len(sentences)))
    texts = [c.text for c in chunks] + [s.text for s in sentences]
    cache = EmbeddingCache(config.cache_path / "embeddings", embedder.model_id)
    vectors = cache.embed(texts, lambda todo: embed_batched(embedder, todo, config.embed_batch_size, progress))
    cache.save(keep=texts)
    chunk_vectors, sentence_vectors = vectors[: len(chunks)], vectors[len(chunks) :]
    plan = dense_plan(len(chunks))
    manifest = {
        "package_version": __version__,
        **settings_signature(config, embedder),
        "dimension": int(vectors.shape[1]),
        "max_seq_length": limit,
        "corpus_hash": fingerprint,
        **plan,
        "documents": {d.doc_id: {"source": d.source, "sha256": d.sha256} for d in corpus.documents},
        "skipped": [{"source": s.source, "reason": s.reason} for s in corpus.skipped],
        "counts": {"documents": len(corpus.documents), "chunks": len(chunks), "sentences": len(sentences)},
    }
    data = IndexData(
        manifest=manifest,
        documents=corpus.documents,
        chunks=tuple(chunks),
        sentences=tuple(sentences),
        chunk_vectors=chunk_vectors,
        sentence_vectors=sentence_vectors,
        dense=dense_index(chunk_vectors, plan),
        bm25=bm25_index([c.text for c in chunks]),
    )
    path = write_index(config.index_path, data)
    return BuildReport(
        path=path,
        documents=len(corpus.documents),
        chunks=len(chunks),
        sentences=len(sentences),
        embedded=cache.misses,
        cached=len(texts) - cache.misses,
        skipped=corpus.skipped,
        seconds=time.perf_counter() - started,
    )
