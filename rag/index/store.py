"""Index folder layout, atomic writes and verified loads.

    <index_dir>/CURRENT            name of the live build (replaced atomically)
    <index_dir>/builds/<name>/     manifest.json, documents/chunks/sentences.jsonl,
                                   chunk_vectors.npy, sentence_vectors.npy, dense.faiss, bm25/
                                   (milvus.json instead of dense.faiss names a build's Milvus collection)
    <index_dir>/milvus.db/         the default Milvus Lite file (vector_store = "milvus")

A build is written in full under a temporary name, renamed, and only then made CURRENT; a crash at
any point leaves the previous build live."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import IndexCorruptError, IndexMissingError, storage_error
from rag.index import records
from rag.protocols import LexicalIndex, VectorStore
from rag.stores import drop_external, vector_store_class
from rag.stores.bm25_lexical import Bm25Index
from rag.types import Chunk, Document, Sentence

SCHEMA_VERSION = 1
CURRENT = "CURRENT"


@dataclass(frozen=True, eq=False)
class IndexData:
    manifest: dict[str, Any]
    documents: tuple[Document, ...]
    chunks: tuple[Chunk, ...]
    sentences: tuple[Sentence, ...]
    chunk_vectors: np.ndarray
    sentence_vectors: np.ndarray
    dense: VectorStore  # over chunk_vectors, ids = chunk ordinals
    lexical: LexicalIndex  # over the chunks' tokens, same ids
    path: Path = field(default=Path("."))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _file_table(folder: Path) -> dict[str, dict[str, Any]]:
    return {
        p.relative_to(folder).as_posix(): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def write_index(index_dir: Path, data: IndexData) -> Path:
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=builds))
    try:
        records.write_jsonl(tmp / "documents.jsonl", data.documents)
        records.write_jsonl(tmp / "chunks.jsonl", data.chunks)
        records.write_jsonl(tmp / "sentences.jsonl", data.sentences)
        np.save(tmp / "chunk_vectors.npy", data.chunk_vectors, allow_pickle=False)
        np.save(tmp / "sentence_vectors.npy", data.sentence_vectors, allow_pickle=False)
        data.dense.save(tmp)
        data.lexical.save(tmp)
        manifest = {**data.manifest, "schema_version": SCHEMA_VERSION, "files": _file_table(tmp)}
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
    texts = sum(len(d.text) for d in data.documents) + sum(len(c.text) for c in data.chunks)
    return 2 * (data.chunk_vectors.nbytes + data.sentence_vectors.nbytes) + 3 * texts


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


def verify_files(build: Path, manifest: dict[str, Any]) -> None:
    for name, want in manifest.get("files", {}).items():
        path = build / name
        if not path.is_file() or path.stat().st_size != want["bytes"] or _sha256(path) != want["sha256"]:
            raise IndexCorruptError(f"index file {path} is missing or damaged: rebuild with `rag index`")


def load_index(index_dir: Path, verify: bool = True) -> IndexData:
    build = current_build(index_dir)
    manifest = read_manifest(build)
    if verify:
        verify_files(build, manifest)
    try:
        data = IndexData(
            manifest=manifest,
            documents=tuple(records.read_documents(build / "documents.jsonl")),
            chunks=tuple(records.read_chunks(build / "chunks.jsonl")),
            sentences=tuple(records.read_sentences(build / "sentences.jsonl")),
            chunk_vectors=np.load(build / "chunk_vectors.npy", allow_pickle=False),
            sentence_vectors=np.load(build / "sentence_vectors.npy", allow_pickle=False),
            dense=vector_store_class(str(manifest.get("vector_store", "faiss"))).load(build),
            lexical=Bm25Index.load(build),
            path=build,
        )
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexCorruptError(f"index at {build} cannot be read ({exc}): rebuild with `rag index`") from exc
    _check_consistent(data)
    return data


def _check_consistent(data: IndexData) -> None:
    n_chunks, n_sents = len(data.chunks), len(data.sentences)
    problems = [
        (data.chunk_vectors.shape[0] != n_chunks, "chunk vectors"),
        (data.sentence_vectors.shape[0] != n_sents, "sentence vectors"),
        (data.dense.count() != n_chunks, "vector store"),
        (data.lexical.count() != n_chunks, "lexical index"),
        (data.chunk_vectors.shape[1:] != (data.manifest.get("dimension"),), "vector dimension"),
    ]
    for bad, what in problems:
        if bad:
            raise IndexCorruptError(
                f"{what} out of step with the chunk records in {data.path}: rebuild with `rag index`"
            )
    texts = {d.doc_id: d.text for d in data.documents}
    for c in data.chunks:
        if texts.get(c.doc_id, "")[c.start : c.end] != c.text:
            raise IndexCorruptError(f"chunk {c.chunk_id} does not match its document text: rebuild with `rag index`")
