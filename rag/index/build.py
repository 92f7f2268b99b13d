"""corpus → documents → chunks + sentences → vectors (cached) → FAISS (or Milvus) + BM25 → index folder."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.answer.tables import TABLE_RULES
from rag.config import Config
from rag.corpus.metadata import METADATA_FILE
from rag.corpus.reader import Corpus, Skipped, corpus_files, read_corpus
from rag.embed.batching import embed_in_batches
from rag.embed.cache import EmbeddingCache
from rag.embed.index_backend import select_index_embedder
from rag.errors import ConfigError
from rag.index.store import IndexData, write_index
from rag.protocols import Embedder, VectorStore
from rag.retrieve.lexical import TOKEN_RULES
from rag.stores.bm25_lexical import Bm25Index
from rag.stores.faiss_store import FaissStore, dense_plan
from rag.text.chunking import chunk_document
from rag.text.sentences import SENTENCE_RULES, split_document
from rag.types import Chunk, Sentence
from rag.version import __version__


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
        "sentence_rules": SENTENCE_RULES,
        "token_rules": TOKEN_RULES,
        "table_rules": TABLE_RULES,
    }


def store_signature(config: Config) -> dict[str, Any]:
    """Where the vectors are searched, part of what makes an index stale beside settings_signature:
    another store, server or Lite file holds none of this index."""
    if config.vector_store != "milvus":
        return {"vector_store": config.vector_store}
    from rag.stores.milvus_store import recorded_uri

    return {"vector_store": "milvus", "milvus_uri": recorded_uri(config.milvus_address, config.index_path)}


@contextmanager
def _dense_store(config: Config, vectors: np.ndarray) -> Iterator[tuple[VectorStore, dict[str, Any]]]:
    """The store for the chunk vectors and what the manifest records of it; a Milvus collection
    is dropped again when the build fails before it is written."""
    if config.vector_store != "milvus":
        plan = dense_plan(len(vectors))
        yield FaissStore.of(vectors, plan), plan
        return
    from rag.stores.milvus_store import MilvusStore

    store = MilvusStore.of(vectors, config.milvus_address, config.index_path)
    try:
        yield store, {"index_type": "flat", "milvus": store.location}  # always exact: see the README
    except BaseException:
        store.drop(best_effort=True)
        raise


@dataclass
class _Vectors:
    """Computes the texts the cache lacks, and remembers which backend did: the manifest records
    it for information only, never for staleness, since both backends store the model's vectors."""

    config: Config
    embedder: Embedder
    progress: bool
    say: Callable[[str], None]
    backend: str = "cache"  # nothing embedded: every vector came from the cache

    def compute(self, texts: list[str]) -> np.ndarray:
        chosen = select_index_embedder(self.config, self.embedder, self.say)
        self.backend = chosen.backend
        return embed_in_batches(chosen.embedder, texts, self.progress, workers=chosen.workers)


def _provenance(corpus: Corpus) -> dict[str, Any]:
    return {
        "documents": {d.doc_id: {"source": d.source, "sha256": d.sha256} for d in corpus.documents},
        "skipped": [{"source": s.source, "reason": s.reason} for s in corpus.skipped],
    }


def _check_chunk_size(config: Config, embedder: Embedder) -> int | None:
    """The model's input limit, after checking that chunks fit in it (with its two special tokens)."""
    limit = embedder.max_tokens
    if limit and config.chunk_tokens > limit - 2:
        raise ConfigError(
            f"chunk_tokens={config.chunk_tokens} exceeds what {embedder.model_id} reads ({limit} tokens): "
            f"set chunk_tokens below {limit - 2}"
        )
    return limit


def index_texts(config: Config, corpus: Corpus, embedder: Embedder) -> tuple[list[Chunk], list[Sentence]]:
    """The chunks and sentences an index of `corpus` embeds (chunks sized in the model's tokens)."""
    count = embedder.count_tokens
    chunks = [c for d in corpus.documents for c in chunk_document(d, config.chunk_tokens, config.chunk_overlap, count)]
    sentences: list[Sentence] = []
    for d in corpus.documents:
        sentences.extend(split_document(d, first_id=len(sentences)))
    return chunks, sentences


def build_index(
    config: Config, embedder: Embedder, progress: bool = True, say: Callable[[str], None] = lambda _m: None
) -> BuildReport:
    """`say` hears why vectors are not computed through ONNX (config.index_backend="auto")."""
    started = time.perf_counter()
    fingerprint = corpus_hash(config)
    corpus = read_corpus(config.corpus_path, config.root)
    limit = _check_chunk_size(config, embedder)
    chunks, sentences = index_texts(config, corpus, embedder)
    texts = [c.text for c in chunks] + [s.text for s in sentences]
    cache = EmbeddingCache(config.cache_path / "embeddings", embedder.model_id)
    fresh = _Vectors(config, embedder, progress, say)
    vectors = cache.embed(texts, fresh.compute)
    cache.save(keep=texts)
    chunk_vectors, sentence_vectors = vectors[: len(chunks)], vectors[len(chunks) :]
    counts = {"documents": len(corpus.documents), "chunks": len(chunks), "sentences": len(sentences)}
    with _dense_store(config, chunk_vectors) as (dense, plan):
        manifest = {
            "package_version": __version__,
            **settings_signature(config, embedder),
            **store_signature(config),
            "dimension": int(vectors.shape[1]),
            "embed_backend": fresh.backend,
            "max_seq_length": limit,
            "corpus_hash": fingerprint,
            **plan,
            **_provenance(corpus),
            "counts": counts,
        }
        data = IndexData(
            manifest=manifest,
            documents=corpus.documents,
            chunks=tuple(chunks),
            sentences=tuple(sentences),
            chunk_vectors=chunk_vectors,
            sentence_vectors=sentence_vectors,
            dense=dense,
            lexical=Bm25Index.of([c.text for c in chunks]),
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
