"""The facade: load (building when missing or stale) an index, then `ask` questions."""

from __future__ import annotations

import bisect
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.answer import compose
from rag.answer.followup import retrieval_query
from rag.config import Config, load_config
from rag.corpus.metadata import METADATA_FILE
from rag.corpus.reader import corpus_files
from rag.embed.query import select_query_embedder
from rag.errors import IndexCorruptError, IndexMissingError, QuestionError
from rag.index.build import build_index, corpus_hash, settings_signature
from rag.index.store import IndexData, load_index
from rag.limits import K_MAX, MAX_SENTENCES_MAX, MODES, check_int
from rag.protocols import Embedder
from rag.retrieve.lexical import idf_table, tokenize
from rag.retrieve.search import retrieve, set_search_threads
from rag.types import Answer, Document, Turn

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def default_embedder(config: Config) -> Embedder:
    """The embedder named by `embed_model`: "hashing-<dim>" for the model-free one, else a
    sentence-transformers name or path."""
    name = config.embed_model
    if name.startswith("hashing-") and name.removeprefix("hashing-").isdigit():
        from rag.embed.hashing import HashingEmbedder

        return HashingEmbedder(int(name.removeprefix("hashing-")))
    from rag.embed.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(name, batch_size=config.embed_batch_size)


def staleness(config: Config, embedder: Embedder, manifest: dict[str, Any]) -> str:
    """Why an index no longer matches the corpus and settings ('' when it does)."""
    for key, want in settings_signature(config, embedder).items():
        if manifest.get(key) != want:
            return f"{key} changed ({manifest.get(key)!r} → {want!r})"
    if manifest.get("corpus_hash") != corpus_hash(config):
        return "the corpus changed"
    return ""


@dataclass(frozen=True, eq=False)
class _State:
    """Everything one answer reads, swapped as a whole so a concurrent refresh never mixes indexes."""

    data: IndexData
    documents: dict[str, Document]
    evidence: compose.Evidence

    @classmethod
    def of(cls, data: IndexData) -> _State:
        documents = {d.doc_id: d for d in data.documents}
        tokens = [tokenize(s.text) for s in data.sentences]
        evidence = compose.Evidence(
            documents=documents,
            sentences=data.sentences,
            sentence_vectors=data.sentence_vectors,
            sentence_tokens=tokens,
            idf=idf_table(tokens),
            sentences_of_chunk=_sentences_of_chunk(data),
        )
        return cls(data, documents, evidence)


class Assistant:
    # How often `ask` looks at the corpus files (a few stat calls) to notice edits.
    FRESHNESS_INTERVAL_S = 1.0

    def __init__(
        self, data: IndexData, embedder: Embedder, config: Config, query_embedder: Embedder | None = None
    ) -> None:
        self.embedder = embedder  # built the index; the reference for every vector stored in it
        self.query_embedder = query_embedder or embedder  # embeds questions: the same model, maybe via ONNX
        self.config = config
        set_search_threads(config.query_thread_count)
        self._state = _State.of(data)
        self._lock = threading.Lock()
        self._stamp = _corpus_stamp(config)
        self._checked = time.monotonic()

    @property
    def data(self) -> IndexData:
        return self._state.data

    @property
    def documents(self) -> dict[str, Document]:
        return self._state.documents

    @property
    def evidence(self) -> compose.Evidence:
        return self._state.evidence

    def refresh_if_stale(self, force_check: bool = False) -> bool:
        """Rebuild and swap in a new index when the corpus changed since loading; True if it did.
        Answers must never cite a file that no longer says what the index holds."""
        now = time.monotonic()
        if not force_check and now - self._checked < self.FRESHNESS_INTERVAL_S:
            return False
        self._checked = now
        stamp = _corpus_stamp(self.config)
        if stamp == self._stamp:
            return False
        with self._lock:
            if stamp == self._stamp:
                return False
            if staleness(self.config, self.embedder, self.data.manifest):
                build_index(self.config, self.embedder, progress=False)
                self._state = _State.of(load_index(self.config.index_path, verify=False))
            self._stamp = stamp
        return True

    @classmethod
    def load(
        cls,
        config: Config | None = None,
        embedder: Embedder | None = None,
        *,
        build: str = "auto",
        progress: bool = True,
        on_message: Callable[[str], None] | None = None,
    ) -> Assistant:
        """Load the index; with build="auto" (re)build it when missing, stale or corrupt,
        with "always" rebuild it, with "never" raise instead."""
        config = config or load_config()
        embedder = embedder or default_embedder(config)
        say = on_message or (lambda _msg: None)
        reason = "a rebuild was requested" if build == "always" else ""
        if not reason:
            try:
                data = load_index(config.index_path)
                reason = staleness(config, embedder, data.manifest)
                if not reason:
                    return cls(data, embedder, config, select_query_embedder(config, embedder, say))
            except (IndexMissingError, IndexCorruptError) as exc:
                if build == "never":
                    raise
                reason = str(exc).split(":")[0]
            if build == "never":
                raise IndexCorruptError(f"index at {config.index_path} is stale ({reason}): rebuild with `rag index`")
        say(f"Building the index ({reason}) …")
        report = build_index(config, embedder, progress=progress)
        for skipped in report.skipped:
            say(f"Skipped {skipped.source}: {skipped.reason}")
        say(
            f"Indexed {report.documents} documents → {report.chunks} chunks, {report.sentences} sentences "
            f"({report.embedded} embedded, {report.cached} from cache) in {report.seconds:.1f} s"
        )
        # The build just wrote and fsynced these files: re-hashing them would only double the
        # I/O (18 s at 100k chunks); the record/vector consistency checks still run.
        data = load_index(config.index_path, verify=False)
        return cls(data, embedder, config, select_query_embedder(config, embedder, say))

    def ask(
        self,
        question: str,
        history: Sequence[Turn] | None = None,
        *,
        k: int | None = None,
        mode: str | None = None,
        max_sentences: int | None = None,
    ) -> Answer:
        t0 = time.perf_counter()
        cfg = self.config
        question = self._clean(question)
        self.refresh_if_stale()
        state = self._state
        mode = mode or cfg.mode
        if mode not in MODES:
            raise QuestionError(f"mode {mode!r} is not one of {', '.join(MODES)}")
        k = check_int("k", k if k is not None else cfg.k, K_MAX)
        max_sentences = check_int(
            "max_sentences", cfg.max_sentences if max_sentences is None else max_sentences, MAX_SENTENCES_MAX
        )
        query = retrieval_query(question, self._clean_history(history), cfg.history_turns)
        qtokens = tokenize(query)
        qvec = np.asarray(self.query_embedder.embed([query])[0], dtype=np.float32)
        t1 = time.perf_counter()
        hits = retrieve(
            state.data,
            qvec,
            qtokens,
            k=k,
            k_dense=max(cfg.k_dense, k),
            k_bm25=max(cfg.k_bm25, k),
            rrf_k=cfg.rrf_k,
            mode=mode,
            mmr_lambda=cfg.mmr_lambda if cfg.use_mmr else None,
            dense_weight=cfg.dense_weight,
        )
        t2 = time.perf_counter()
        scored = compose.score_sentences(
            state.evidence, hits, qvec, tokenize(question) or qtokens, cfg.min_sentence_chars
        )
        confidence = max(0.0, min(1.0, scored[0].score)) if scored else 0.0
        abstained = confidence < cfg.abstain_threshold
        chosen = [] if abstained else compose.select(scored, state.evidence, max_sentences, cfg.sentence_margin)
        sentences, citations = compose.cite(chosen, state.documents)
        compose.verify(sentences, citations, state.documents)
        text = compose.display_text(sentences) if sentences else compose.ABSTAIN_TEXT
        t3 = time.perf_counter()
        return Answer(
            question=question,
            answer=text,
            abstained=abstained,
            confidence=round(confidence, 4),
            citations=citations,
            passages=compose.passages(hits, state.documents),
            timings_ms={
                "embed": _ms(t0, t1),
                "retrieve": _ms(t1, t2),
                "compose": _ms(t2, t3),
                "total": _ms(t0, t3),
            },
            retrieval_query=query,
            sentences=sentences,
        )

    def _clean(self, question: object) -> str:
        if not isinstance(question, str):
            raise QuestionError(f"the question must be text, not {type(question).__name__}")
        question = " ".join(_CONTROL.sub(" ", question).split())
        if not question:
            raise QuestionError("the question is empty: type a question about the documents")
        if len(question) > self.config.max_question_chars:
            raise QuestionError(
                f"the question is {len(question)} characters long: keep it under {self.config.max_question_chars}"
            )
        return question

    def _clean_history(self, history: Sequence[Turn] | None) -> list[Turn]:
        if history is None:
            return []
        if isinstance(history, str | bytes) or not all(isinstance(t, Turn) for t in history):
            raise QuestionError("history must be a list of rag.Turn(question, answer) items, oldest first")
        return [Turn(" ".join(_CONTROL.sub(" ", t.question).split()), t.answer) for t in history]

    @property
    def model_id(self) -> str:
        return self.embedder.model_id


def _corpus_stamp(config: Config) -> tuple[tuple[str, int, int], ...]:
    """Cheap change detector (names, sizes, mtimes); the corpus hash decides whether it matters."""
    folder = config.corpus_path
    paths: list[Path] = corpus_files(folder) if folder.is_dir() else []
    if (folder / METADATA_FILE).is_file():
        paths.append(folder / METADATA_FILE)
    stamp = []
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue
        stamp.append((p.as_posix(), st.st_mtime_ns, st.st_size))
    return tuple(stamp)


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000, 3)


def _sentences_of_chunk(data: IndexData) -> dict[str, list[int]]:
    """Ids of the sentences overlapping each chunk (sentences are in document order); a sentence
    cut by a chunk edge is still cited whole, from the document text."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    for s in data.sentences:
        by_doc[s.doc_id].append(s.sent_id)
    starts = {d: [data.sentences[i].start for i in ids] for d, ids in by_doc.items()}
    out: dict[str, list[int]] = {}
    for c in data.chunks:
        ids, st = by_doc.get(c.doc_id, []), starts.get(c.doc_id, [])
        lo = max(bisect.bisect_right(st, c.start) - 1, 0)
        if lo < len(ids) and data.sentences[ids[lo]].end <= c.start:
            lo += 1
        out[c.chunk_id] = ids[lo : bisect.bisect_left(st, c.end)]
    return out
