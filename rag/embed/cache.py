"""Embedding cache keyed by (model, sha256 of the text): a re-index embeds only changed chunks.
Stored as one .npz per model (no pickle), replaced atomically."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from rag.errors import storage_error


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, folder: Path, model_id: str) -> None:
        self.file = folder / (re.sub(r"[^A-Za-z0-9_.-]+", "_", model_id) + ".npz")
        self._vectors: dict[str, np.ndarray] = {}
        self._loaded = False
        self.misses = 0

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            with np.load(self.file, allow_pickle=False) as data:
                self._vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        except (OSError, ValueError, KeyError):
            self._vectors = {}  # a missing or damaged cache only costs re-embedding

    def embed(self, texts: Sequence[str], compute: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for `texts`, computing (through `compute`) only those not cached."""
        self._load()
        keys = [text_key(t) for t in texts]
        missing = sorted({k: i for i, k in enumerate(keys) if k not in self._vectors}.values())
        self.misses = len(missing)
        if missing:
            fresh = compute([texts[i] for i in missing])
            for i, vec in zip(missing, fresh, strict=True):
                self._vectors[keys[i]] = np.asarray(vec, dtype=np.float32)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def save(self, keep: Sequence[str] | None = None) -> None:
        """Write the cache, keeping only `keep` texts' vectors when given (prunes stale entries)."""
        self._load()
        items = self._vectors
        if keep is not None:
            wanted = {text_key(t) for t in keep}
            items = {k: v for k, v in items.items() if k in wanted}
        if not items:
            return
        tmp = ""
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, suffix=".npz.tmp")
            os.close(fd)
            with open(tmp, "wb") as fh:  # a file object: np.savez would append ".npz" to a name
                np.savez(fh, keys=np.array(list(items), dtype="<U64"), vectors=np.stack(list(items.values())))
            os.replace(tmp, self.file)
        except OSError as exc:
            needed = sum(v.nbytes for v in items.values())
            raise storage_error("the embedding cache", self.file.parent, exc, needed) from exc
        finally:
            if tmp and os.path.exists(tmp):
                os.unlink(tmp)
