"""The facade: load (building when missing or stale) an index, then `ask` questions."""

from __future__ import annotations

import bisect
import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rag.answer import compose
from rag.answer.followup import retrieval_query
from rag.config import MODES, Config, load_config
from rag.embed.base import Embedder, model_id
from rag.embed.query import select_query_embedder
from rag.errors import IndexCorruptError, IndexMissingError, QuestionError
from rag.index.build import build_index, corpus_hash, settings_signature
from rag.index.store import IndexData, load_index
from rag.retrieve.lexical import idf_table, tokenize
from rag.retrieve.search import retrieve, set_search_threads
from rag.types import Answer, Turn

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


class Assistant:
    def __init__(
        self, data: IndexData, embedder: Embedder, config: Config, query_embedder: Embedder | None = None
    ) -> None:
        self.data = data
        self.embedder = embedder  # built the index; the reference for every vector stored in it
        self.query_embedder = query_embedder or embedder  # embeds questions: the same model, maybe via ONNX
        self.config = config
        set_search_threads(config.query_thread_count)
        self.documents = {d.doc_id: d for d in data.documents}
        tokens = [tokenize(s.text) for s in data.sentences]
        self.evidence = compose.Evidence(
            documents=self.documents,
            sentences=data.sentences,
            sentence_vectors=data.sentence_vectors,
            sentence_tokens=tokens,
            idf=idf_table(tokens),
            sentences_of_chunk=_sentences_of_chunk(data),
        )

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
        return cls(load_index(config.index_path), embedder, config, select_query_embedder(config, embedder, say))

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
        mode = mode or cfg.mode
        if mode not in MODES:
            raise QuestionError(f"mode {mode!r} is not one of {', '.join(MODES)}")
        k = k if k is not None else cfg.k
        if not 1 <= k <= 50:
            raise QuestionError(f"k={k} is out of range: use 1 to 50")
        query = retrieval_query(question, list(history or ()), cfg.history_turns)
        qtokens = tokenize(query)
        qvec = np.asarray(self.query_embedder.embed([query])[0], dtype=np.float32)
        t1 = time.perf_counter()
        hits = retrieve(
            self.data,
            qvec,
            qtokens,
            k=k,
            k_dense=max(cfg.k_dense, k),
            k_bm25=max(cfg.k_bm25, k),
            rrf_k=cfg.rrf_k,
            mode=mode,
            mmr_lambda=cfg.mmr_lambda if cfg.use_mmr else None,
        )
        t2 = time.perf_counter()
        scored = compose.score_sentences(
            self.evidence, hits, qvec, tokenize(question) or qtokens, cfg.min_sentence_chars
        )
        confidence = max(0.0, min(1.0, scored[0].score)) if scored else 0.0
        abstained = confidence < cfg.abstain_threshold
        chosen = (
            []
            if abstained
            else compose.select(scored, self.evidence, max_sentences or cfg.max_sentences, cfg.sentence_margin)
        )
        text, citations = compose.cite(chosen, self.documents) if chosen else (compose.ABSTAIN_TEXT, ())
        compose.verify(text, citations, self.documents)
        t3 = time.perf_counter()
        return Answer(
            question=question,
            answer=text,
            abstained=abstained,
            confidence=round(confidence, 4),
            citations=citations,
            passages=compose.passages(hits, self.documents),
            timings_ms={
                "embed": _ms(t0, t1),
                "retrieve": _ms(t1, t2),
                "compose": _ms(t2, t3),
                "total": _ms(t0, t3),
            },
            retrieval_query=query,
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

    @property
    def model_id(self) -> str:
        return model_id(self.embedder)


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
