"""The one object a question's steps pass along: the request, then what each step adds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from rag.answer.compose import Scored
from rag.answer.evidence import Evidence
from rag.answer.question import Question
from rag.index.columns import Documents
from rag.index.store import IndexData
from rag.retrieve.lexical import tokenize
from rag.types import AnswerSentence, Citation, Document, Hit, Turn


@dataclass(frozen=True, eq=False)
class IndexView:
    """Everything one answer reads from the index, taken as a whole at the start of a question so a
    concurrent refresh never mixes two indexes in one answer."""

    data: IndexData
    evidence: Evidence

    @classmethod
    def of(cls, data: IndexData) -> IndexView:
        docs = data.documents
        by_id = docs.mapping() if isinstance(docs, Documents) else docs  # loaded: decoded on access
        return cls(data, Evidence.of(by_id, data.chunks, data.sentences, data.sentence_vectors, data.tables))

    @property
    def documents(self) -> Mapping[str, Document]:
        return self.evidence.documents


@dataclass(frozen=True)
class Request:
    """A question and its options as the caller gave them (None = the configured default)."""

    question: object
    history: Sequence[Turn] | None = None
    k: int | None = None
    mode: str | None = None
    max_sentences: int | None = None


@dataclass(frozen=True, eq=False)
class QueryState:
    index: IndexView
    question: str  # cleaned: one line, no control characters
    history: tuple[Turn, ...]
    k: int
    mode: str
    max_sentences: int
    query: str = ""  # what is retrieved: the question, completed from history for follow-ups
    query_tokens: tuple[str, ...] = ()
    query_vector: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    part_vectors: tuple[np.ndarray, ...] = ()  # of each part of a question asking two things (compound.py)
    # the keyword search's top `keywords_depth`, when it ran while the question was embedded
    keywords: tuple[tuple[int, float], ...] | None = None
    keywords_depth: int = 0
    hits: tuple[Hit, ...] = ()  # the k passages shown
    evidence_hits: tuple[Hit, ...] = ()  # the deeper list whose sentences may answer (hits first)
    scored: tuple[Scored, ...] = ()  # candidate answer sentences, best first
    confidence: float = 0.0
    abstained: bool = False
    sentences: tuple[AnswerSentence, ...] = ()
    citations: tuple[Citation, ...] = ()
    analysis: Question | None = None  # what the question asks for (rag/answer/question.py)
    notice: str = ""  # why the question cannot be answered at all, in the user's terms ('' = it can)

    @property
    def wording(self) -> str:
        """The question as the engine reads it: spelling fixed when the analysis fixed it."""
        return self.analysis.wording if self.analysis else self.question

    @property
    def question_tokens(self) -> tuple[str, ...]:
        tokens = self.analysis.tokens if self.analysis else tuple(tokenize(self.question))
        return tokens or self.query_tokens
