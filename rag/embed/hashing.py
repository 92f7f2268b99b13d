"""A deterministic, model-free embedder: hashed word and character-trigram features. Used by the
tests, and usable wherever a real model is not wanted (it is lexical, not semantic)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from rag.embed.base import normalise

_WORD = re.compile(r"\w+")


class HashingEmbedder:
    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"hashing-{dim}"
        self.max_seq_length = 512
        self.calls = 0  # how many texts were embedded: lets tests check the cache

    @property
    def dimension(self) -> int:
        return self.dim

    @property
    def max_tokens(self) -> int:
        return self.max_seq_length

    def count_tokens(self, text: str) -> int:
        return len(_WORD.findall(text))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w.lower() for w in _WORD.findall(text)]
            feats = words + [w[i : i + 3] for w in words for i in range(max(1, len(w) - 2))]
            for feat in feats:
                h = zlib.crc32(feat.encode("utf-8"))
                out[row, h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        return normalise(out)
