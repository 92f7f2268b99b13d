"""Settings: defaults, overridden by `rag.toml`, then by RAG_* environment variables, then by
explicit keyword arguments (what the CLI flags set)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from rag.errors import ConfigError
from rag.limits import K_MAX, MAX_QUESTION_CHARS, MAX_SENTENCES_MAX, MODES
from rag.project import find_project

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# How questions are embedded: auto = the ONNX export when the model can be exported, else torch.
QUERY_BACKENDS = ("auto", "onnx", "onnx-int8", "torch")
# How chunks and sentences are embedded at index time: the same fp32 export (never int8: stored
# vectors must match sentence-transformers), or the model itself.
INDEX_BACKENDS = ("auto", "onnx", "torch")
# How a candidate sentence's support is scored: learned = the logistic gate (rag/answer/gate.py),
# rules = the fixed factors it was trained from (rag/answer/support.py).
SUPPORT_GATES = ("learned", "rules")

# Environment variables that override a setting, and the setting they set.
ENV_VARS = {
    "RAG_EMBED_MODEL": "embed_model",
    "RAG_CORPUS_DIR": "corpus_dir",
    "RAG_INDEX_DIR": "index_dir",
    "RAG_CACHE_DIR": "cache_dir",
    "RAG_QUERY_BACKEND": "query_backend",
    "RAG_INDEX_BACKEND": "index_backend",
    "RAG_SUPPORT_GATE": "support_gate",
    "RAG_CHAT_UI": "chat_ui",
    "RAG_ALLOWED_HOSTS": "allowed_hosts",
    "RAG_VECTOR_STORE": "vector_store",
    "RAG_MILVUS_URI": "milvus_uri",
}
# The vector stores an index can be written with (rag/stores/: the class that reads each back).
VECTOR_STORES = ("faiss", "milvus")
# What pymilvus accepts as milvus_uri: a server (or cluster proxy) address, or a Milvus Lite file.
MILVUS_SCHEMES = ("http://", "https://", "tcp://", "unix:")


@dataclass(frozen=True)
class Config:
    root: Path = Path(".")
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path(".rag/index")
    cache_dir: Path = Path(".rag/cache")
    embed_model: str = DEFAULT_MODEL
    embed_batch_size: int = 32
    query_backend: str = "auto"
    # Threads one question may use (ONNX runtime, FAISS, BLAS); 0 = automatic (see query_thread_count).
    query_threads: int = 0
    index_backend: str = "auto"
    # Threads the ONNX runtime may use while indexing; 0 = every core (see index_thread_count).
    index_threads: int = 0
    chunk_tokens: int = 160
    chunk_overlap: int = 32
    k: int = 5
    k_dense: int = 20
    k_bm25: int = 20
    rrf_k: int = 60
    # Weight of the dense list in RRF (BM25's is 1). Chosen on the dev split as the best MRR@10 of
    # 1, .7, .5, .35, .2, .1, 0 (0.748 at 1 → 0.841 at 0.1): these questions share the documents' words.
    dense_weight: float = 0.1
    mmr_lambda: float = 0.7
    mode: str = "hybrid"
    use_mmr: bool = True
    max_sentences: int = 4
    # Passages whose sentences may answer a question (the k shown come first); deeper than k because
    # the sentence that answers often sits in a passage ranked below the top five (chosen on dev).
    evidence_depth: int = 12
    min_sentence_chars: int = 25
    sentence_margin: float = 0.05
    support_gate: str = "rules"
    abstain_threshold: float = 0.22  # calibrated on the dev split by `rag eval` (eval/reports/report.md)
    max_question_chars: int = MAX_QUESTION_CHARS
    history_turns: int = 2
    # The web chat `rag serve` mounts beside the API, as "module:function" ("" = the API alone).
    chat_ui: str = "ui.app:mount"
    # Extra Host names the server answers for, comma-separated (127.0.0.1, localhost and [::1] always).
    allowed_hosts: str = ""
    # Where chunk vectors are searched: "faiss" (in this process) or "milvus" (rag/stores/milvus_store.py).
    vector_store: str = "faiss"
    # Milvus server URI (http://host:19530; the token comes from RAG_MILVUS_TOKEN) or a Milvus Lite
    # file ending in .db; "" = the Lite file milvus.db in the index folder.
    milvus_uri: str = ""

    def __post_init__(self) -> None:
        checks = [
            (self.vector_store in VECTOR_STORES, "vector_store", f"one of {', '.join(VECTOR_STORES)}"),
            (
                _milvus_uri_ok(self.milvus_uri),
                "milvus_uri",
                "http://host:19530 (a Milvus server; credentials go in RAG_MILVUS_TOKEN, not the URI), "
                "a file ending in .db (Milvus Lite) or empty",
            ),
            (self.mode in MODES, "mode", f"one of {', '.join(MODES)}"),
            (self.chunk_tokens >= 16, "chunk_tokens", "an integer >= 16"),
            (0 <= self.chunk_overlap < self.chunk_tokens, "chunk_overlap", "0 <= overlap < chunk_tokens"),
            (1 <= self.k <= K_MAX, "k", f"an integer from 1 to {K_MAX}"),
            (self.k_dense >= 1 and self.k_bm25 >= 1, "k_dense/k_bm25", "integers >= 1"),
            (1 <= self.evidence_depth <= K_MAX, "evidence_depth", f"an integer from 1 to {K_MAX}"),
            (0.0 <= self.mmr_lambda <= 1.0, "mmr_lambda", "a number between 0 and 1"),
            (self.dense_weight >= 0.0, "dense_weight", "a number >= 0"),
            (
                1 <= self.max_sentences <= MAX_SENTENCES_MAX,
                "max_sentences",
                f"an integer from 1 to {MAX_SENTENCES_MAX}",
            ),
            (
                1 <= self.max_question_chars <= MAX_QUESTION_CHARS,
                "max_question_chars",
                f"an integer from 1 to {MAX_QUESTION_CHARS}",
            ),
            (self.embed_batch_size >= 1, "embed_batch_size", "an integer >= 1"),
            (self.query_backend in QUERY_BACKENDS, "query_backend", f"one of {', '.join(QUERY_BACKENDS)}"),
            (self.support_gate in SUPPORT_GATES, "support_gate", f"one of {', '.join(SUPPORT_GATES)}"),
            (self.query_threads >= 0, "query_threads", "0 (automatic) or a number of threads"),
            (self.index_backend in INDEX_BACKENDS, "index_backend", f"one of {', '.join(INDEX_BACKENDS)}"),
            (self.index_threads >= 0, "index_threads", "0 (every core) or a number of threads"),
        ]
        for ok, name, expected in checks:
            if not ok:
                value = getattr(self, name.split("/")[0])
                raise ConfigError(f"setting {name}={value!r} is invalid: use {expected}")

    @property
    def query_thread_count(self) -> int:
        """query_threads, or automatically two threads with four or more cores, else one. On the
        2-core benchmark machine a second thread took a question from 7.0 to 4.7 ms when idle
        (eval/bench/), but from 8-12 to 31-32 ms while other jobs held both cores: one is the robust
        choice there."""
        if self.query_threads:
            return self.query_threads
        return 2 if (os.cpu_count() or 1) >= 4 else 1

    @property
    def index_thread_count(self) -> int:
        """index_threads, or every core: an index build is one long batch job with nothing else of
        this process to wait for, unlike a question among many concurrent ones."""
        return self.index_threads or os.cpu_count() or 1

    def path(self, p: Path) -> Path:
        """Resolve a configured path against the project root."""
        return p if p.is_absolute() else self.root / p

    @property
    def corpus_path(self) -> Path:
        return self.path(self.corpus_dir)

    @property
    def index_path(self) -> Path:
        return self.path(self.index_dir)

    @property
    def cache_path(self) -> Path:
        return self.path(self.cache_dir)

    @property
    def milvus_address(self) -> str:
        """milvus_uri with a Lite file resolved against the project (default: in the index folder)."""
        if self.milvus_uri.startswith(MILVUS_SCHEMES):
            return self.milvus_uri
        return str(self.path(Path(self.milvus_uri)) if self.milvus_uri else self.index_path / "milvus.db")

    def with_overrides(self, **overrides: Any) -> Config:
        return replace(self, **_coerce({k: v for k, v in overrides.items() if v is not None}))


def _milvus_uri_ok(uri: str) -> bool:
    """A server address without credentials (the manifest records it), a Lite file, or empty."""
    if uri.startswith(MILVUS_SCHEMES):
        return "@" not in uri.partition("://")[2].split("/")[0]
    return not uri or uri.endswith(".db")


def _coerce(values: dict[str, Any]) -> dict[str, Any]:
    known = {f.name: f for f in fields(Config)}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"unknown setting {key!r}: known settings are {', '.join(sorted(known))}")
        default = getattr(Config, key, None)
        try:
            if isinstance(default, Path):
                out[key] = Path(value)
            elif isinstance(default, bool):
                out[key] = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            elif isinstance(default, int):
                out[key] = int(value)
            elif isinstance(default, float):
                out[key] = float(value)
            else:
                out[key] = str(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"setting {key}={value!r} has the wrong type: {exc}") from exc
    return out


def load_config(root: str | Path | None = None, **overrides: Any) -> Config:
    """Build the configuration for the project at `root` (default: RAG_HOME, else the folder found
    from the current one, see rag/project.py)."""
    base = find_project(root)
    values: dict[str, Any] = {}
    config_file = Path(os.environ.get("RAG_CONFIG", base / "rag.toml"))
    if config_file.is_file():
        try:
            values.update(tomllib.loads(config_file.read_text(encoding="utf-8")).get("rag", {}))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config_file} is not valid TOML ({exc}): fix or delete it") from exc
    for env, key in ENV_VARS.items():
        if os.environ.get(env) or (key == "chat_ui" and env in os.environ):
            values[key] = os.environ[env]
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Config(root=base, **_coerce(values))
