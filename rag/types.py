"""Frozen dataclasses that cross every module boundary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Span = tuple[int, int]


@dataclass(frozen=True)
class DocumentMeta:
    title: str
    author: str = ""
    outlet: str = ""
    date: str = ""
    kind: str = "document"
    url: str = ""


@dataclass(frozen=True)
class Collection:
    """The corpus as a whole, as its metadata names it (shown in page titles and example questions)."""

    name: str = "your documents"
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """A source text. `text` is what every offset indexes: the file's exact UTF-8 text for
    .txt/.md, the extracted text for .html/.pdf."""

    doc_id: str
    source: str  # path relative to the project root, e.g. "corpus/000_x.txt"
    text: str
    meta: DocumentMeta
    sha256: str
    boilerplate: tuple[Span, ...] = ()  # spans never chunked, never cited


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Sentence:
    sent_id: int
    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and each retriever's view of it (rank 0 = absent)."""

    rank: int
    chunk: Chunk
    score: float
    dense_rank: int = 0
    dense_score: float = 0.0
    bm25_rank: int = 0
    bm25_score: float = 0.0


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    source: str
    start: int
    end: int
    quote: str
    chunk_id: str
    score: float
    author: str = ""
    outlet: str = ""
    date: str = ""


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer and the numbers of the citations that back it. Readers use this
    instead of parsing " [n]" markers out of `Answer.answer`, which is the display form."""

    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Passage:
    rank: int
    chunk_id: str
    doc_id: str
    source: str
    start: int
    end: int
    text: str
    score: float
    title: str = ""


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation."""

    question: str
    answer: str = ""


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    confidence: float
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)
    retrieval_query: str = ""
    sentences: tuple[AnswerSentence, ...] = ()
    corrected_question: str = ""  # the question with spelling fixed against the corpus, when it was

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["citations"] = [asdict(c) for c in self.citations]
        data["passages"] = [asdict(p) for p in self.passages]
        data["sentences"] = [{"text": s.text, "citations": list(s.citations)} for s in self.sentences]
        return data
