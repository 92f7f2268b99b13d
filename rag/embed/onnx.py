"""Query embeddings without torch: onnxruntime over an exported transformer, the model's own
`tokenizers` tokenizer, and pooling plus L2 normalisation in numpy. Made by
`rag.embed.onnx_export.export_onnx`; sentence-transformers stays the reference (the export is
checked against it when written, and its probe vector is re-checked when a session starts)."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.embed.base import normalise
from rag.errors import ModelError

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
META_FILE = "onnx.json"
MIN_COSINE = 0.9999


class OnnxEmbedder:
    """An Embedder over an export folder; `variant="int8"` uses the dynamically quantised model."""

    def __init__(self, folder: Path, threads: int = 1, variant: str = "fp32") -> None:
        self.folder = Path(folder)
        try:
            self.meta: dict[str, Any] = json.loads((self.folder / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{self.folder / META_FILE} is missing or invalid ({exc}): re-run `rag index`") from exc
        self.model_id = str(self.meta["model_id"])
        self.max_seq_length = int(self.meta["max_seq_length"])
        self.dimension = int(self.meta["dimension"])
        self.threads = max(1, threads)
        self.variant = variant
        # Shared by every request thread: the session's run is thread-safe, and the tokenizers are
        # configured once at load and only read afterwards ("Already borrowed" comes from changing
        # padding or truncation during an encode, which transformers' tokenizers do on every call).
        self._session: Any = None
        self._tokenizer: Any = None
        self._counter: Any = None
        self._lock = threading.Lock()

    @property
    def model_file(self) -> Path:
        return self.folder / (MODEL_FILE if self.variant == "fp32" else f"model.{self.variant}.onnx")

    def _load(self) -> Any:
        with self._lock:
            if self._session is None:
                self._tokenizer = self._encoder()  # a damaged tokenizer.json fails at load
                self._session = self._open()
        return self._session

    def _open(self) -> Any:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise ModelError(
                "onnxruntime is not installed: pip install onnxruntime, or set query_backend='torch'"
            ) from exc
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        try:
            session = ort.InferenceSession(str(self.model_file), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types for damaged files
            raise ModelError(f"cannot open the ONNX export in {self.folder} ({exc}): re-run `rag index`") from exc
        return session

    def _tokenizer_file(self) -> Any:
        from tokenizers import Tokenizer

        try:
            return Tokenizer.from_file(str(self.folder / TOKENIZER_FILE))
        except Exception as exc:  # tokenizers raises a bare Exception for unreadable files
            raise ModelError(f"cannot open the ONNX export in {self.folder} ({exc}): re-run `rag index`") from exc

    def _encoder(self) -> Any:
        """The tokenizer set up as sentence-transformers encodes: truncated at max_seq_length and
        padded to the longest text of a batch, whatever tokenizer.json says."""
        tokenizer = self._tokenizer_file()
        pad = tokenizer.padding or {}
        tokenizer.enable_truncation(self.max_seq_length)
        tokenizer.enable_padding(pad_id=pad.get("pad_id", 0), pad_token=pad.get("pad_token", "[PAD]"))
        return tokenizer

    def check(self) -> float:
        """Cosine between this export's probe embedding and the sentence-transformers one stored
        at export time; ModelError below MIN_COSINE (a damaged or mismatched export)."""
        probe = self.meta.get("probe") or {}
        want = np.asarray(probe.get("vector", []), dtype=np.float32)
        if want.shape != (self.dimension,):
            raise ModelError(f"{self.folder / META_FILE} has no probe vector: re-run `rag index`")
        cosine = float(self.embed([str(probe.get("text", ""))])[0] @ want)
        if cosine < MIN_COSINE:
            raise ModelError(
                f"the ONNX export in {self.folder} drifted (probe cosine {cosine:.6f}): re-run `rag index`"
            )
        return cosine

    @property
    def max_tokens(self) -> int:
        return self.max_seq_length

    def count_tokens(self, text: str) -> int:
        with self._lock:
            if self._counter is None:
                counter = self._tokenizer_file()
                counter.no_truncation()
                counter.no_padding()
                self._counter = counter
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        session = self._load()
        encodings = self._tokenizer.encode_batch(list(texts))
        columns = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        feed = {name: columns[name] for name in self.meta["inputs"]}
        tokens = session.run(None, feed)[0]
        return self._pool(tokens, columns["attention_mask"])

    def _pool(self, tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
        mode = self.meta["pooling"]
        if mode == "cls":
            pooled = tokens[:, 0]
        elif mode == "max":
            pooled = np.where(mask[..., None] > 0, tokens, -1e9).max(axis=1)
        else:
            weights = mask[..., None].astype(np.float32)
            pooled = (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return normalise(pooled)
