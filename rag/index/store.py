"""Index folder layout, atomic writes and verified loads.

    <index_dir>/CURRENT            name of the live build (replaced atomically)
    <index_dir>/builds/<name>/     manifest.json (every file's size, sha256, mtime), verified.json,
                                   documents.json, texts.npy, text_offsets.npy, chunks.npy,
                                   sentences.npy (rag/index/columns.py), vocabulary.json,
                                   chunk_sentences.npy (rag/answer/tables.py), chunk_vectors.npy,
                                   sentence_vectors.npy, dense.faiss, bm25/
                                   (milvus.json instead of dense.faiss names a build's Milvus collection)
    <index_dir>/milvus.db/         the default Milvus Lite file (vector_store = "milvus")

A build is written in full under a temporary name, renamed, and only then made CURRENT; a crash at
any point leaves the previous build live."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag.answer.tables import EvidenceTables
from rag.errors import IndexCorruptError, IndexMissingError, storage_error
from rag.index import columns
from rag.index.arrays import ArrayFile, save_array
from rag.index.checksums import check_files, file_table
from rag.protocols import LexicalIndex, Vectors, VectorStore
from rag.stores import drop_external, vector_store_class
from rag.stores.bm25_lexical import Bm25Index
from rag.types import Chunk, Document, Sentence

# 2: columnar records, memory-mapped arrays, stored evidence tables, mtimes in the manifest.
SCHEMA_VERSION = 2
CURRENT = "CURRENT"


@dataclass(frozen=True, eq=False)
class IndexData:
    """A loaded index holds lazy sequences over memory-mapped columns (rag/index/columns.py); one
    about to be written may hold any sequences of records."""

    manifest: dict[str, Any]
    documents: Sequence[Document]
    chunks: Sequence[Chunk]
    sentences: Sequence[Sentence]
    chunk_vectors: Vectors  # on disk once loaded: rows are read when asked for (rag/index/arrays.py)
    sentence_vectors: Vectors
    dense: VectorStore  # over chunk_vectors, ids = chunk ordinals
    lexical: LexicalIndex  # over the chunks' tokens, same ids
    path: Path = field(default=Path("."))
    tables: EvidenceTables | None = None  # stored by write_index, read back by load_index


def write_index(index_dir: Path, data: IndexData) -> Path:
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=builds))
    try:
        columns.write_records(tmp, data.documents, data.chunks, data.sentences)
        (data.tables or EvidenceTables.of(data.chunks, data.sentences, documents=data.documents)).save(tmp)
        save_array(tmp / "chunk_vectors.npy", np.asarray(data.chunk_vectors))
        save_array(tmp / "sentence_vectors.npy", np.asarray(data.sentence_vectors))
        data.dense.save(tmp)
        data.lexical.save(tmp)
        manifest = {**data.manifest, "schema_version": SCHEMA_VERSION, "files": file_table(tmp)}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        _fsync_tree(tmp)
        name = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:8]
        final = builds / name
        os.replace(tmp, final)
        previous = _current_name(index_dir)
        _point_current(index_dir, name)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise storage_error("the index", index_dir, exc, _size_of(data)) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(builds, keep={name, previous})
    return final


def _size_of(data: IndexData) -> int:
    """Roughly what a build writes: the vectors twice (arrays and the vector store) plus the texts."""
    texts = sum(len(d.text) for d in data.documents)
    floats = sum(int(np.prod(v.shape)) for v in (data.chunk_vectors, data.sentence_vectors))
    return 2 * 4 * floats + 2 * texts


def _fsync_tree(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            with p.open("rb") as fh:
                os.fsync(fh.fileno())


def _point_current(index_dir: Path, name: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".CURRENT-", dir=index_dir)
    with os.fdopen(fd, "w") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)


def _current_name(index_dir: Path) -> str:
    try:
        return (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _prune(builds: Path, keep: set[str]) -> None:
    """Drop old builds and temp folders left by crashed runs (never the live or previous build)."""
    for p in builds.iterdir():
        # A young temp folder may belong to a build still running in another process.
        young = p.name.startswith(".tmp-") and time.time() - p.stat().st_mtime < 600
        if p.name not in keep and p.is_dir() and not young:
            drop_external(p)
            shutil.rmtree(p, ignore_errors=True)


def current_build(index_dir: Path) -> Path:
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        raise IndexMissingError(f"no index at {index_dir}: build one with `rag index`")
    name = pointer.read_text(encoding="utf-8").strip()
    build = index_dir / "builds" / name
    if not name or "/" in name or not build.is_dir():
        raise IndexCorruptError(f"{pointer} names a missing build {name!r}: rebuild with `rag index`")
    return build


def read_manifest(build: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(
            f"{build}/manifest.json is missing or invalid ({exc}): rebuild with `rag index`"
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("schema_version") != SCHEMA_VERSION:
        version = manifest.get("schema_version") if isinstance(manifest, dict) else None
        raise IndexCorruptError(
            f"index schema {version!r} is not {SCHEMA_VERSION}, the one this version reads: rebuild with `rag index`"
        )
    return manifest


def load_index(index_dir: Path, verify: bool = True) -> IndexData:
    """`verify` checks file sizes and re-hashes files whose size or mtime changed (rag/index/checksums.py)."""
    build = current_build(index_dir)
    manifest = read_manifest(build)
    if verify:
        check_files(build, manifest)
    try:
        documents, chunks, sentences = columns.read_records(build)
        data = IndexData(
            manifest=manifest,
            documents=documents,
            chunks=chunks,
            sentences=sentences,
            chunk_vectors=ArrayFile(build / "chunk_vectors.npy"),
            sentence_vectors=ArrayFile(build / "sentence_vectors.npy"),
            dense=vector_store_class(str(manifest.get("vector_store", "faiss"))).load(build),
            lexical=Bm25Index.load(build),
            path=build,
            tables=EvidenceTables.load(build),
        )
        problem = columns.spans_problem(documents, chunks, sentences)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexCorruptError(f"index at {build} cannot be read ({exc}): rebuild with `rag index`") from exc
    _check_consistent(data, problem)
    return data


def _check_consistent(data: IndexData, problem: str) -> None:
    """Counts and spans only, vectorised: `rag index --verify` re-hashes the contents."""
    n_chunks, n_sents = len(data.chunks), len(data.sentences)
    problems = [
        (bool(problem), problem),
        (data.chunk_vectors.shape[0] != n_chunks, "chunk vectors"),
        (data.sentence_vectors.shape[0] != n_sents, "sentence vectors"),
        (data.dense.count() != n_chunks, "vector store"),
        (data.lexical.count() != n_chunks, "lexical index"),
        (data.chunk_vectors.shape[1:] != (data.manifest.get("dimension"),), "vector dimension"),
        (data.sentence_vectors.shape[1:] != (data.manifest.get("dimension"),), "sentence vector dimension"),
        (data.manifest.get("counts", {}).get("chunks", n_chunks) != n_chunks, "chunk count"),
    ]
    if data.tables is not None:
        problems.append((bool(data.tables.problem(n_chunks, n_sents)), "chunk sentence ranges"))
    for bad, what in problems:
        if bad:
            raise IndexCorruptError(
                f"{what} out of step with the chunk records in {data.path}: rebuild with `rag index`"
            )
