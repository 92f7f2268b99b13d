"""Check anyone's answer against the corpus, sentence by sentence, with the local model only.

Evidence for one answer sentence: the corpus sentence with the best blend of embedding similarity
and IDF-weighted word coverage (an exact substring of a document counts as verbatim), then the
engine's own Verifier (rag/verify.py: numbers, names, negation) against that span, the same check
that answering runs on every cited sentence. It has no NLI model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from rag.assistant import Assistant
from rag.evaluation.metrics import MARKER
from rag.protocols import Verifier
from rag.retrieve.lexical import idf_table, overlap_score, tokenize
from rag.text.sentences import is_heading, split_spans
from rag.verify import SpanVerifier

# Rule: the highest 0.05 step that keeps every supported sentence of the dev half supported
# (lowest dev score 0.673); weak evidence is the last line of defence after the hard checks.
SUPPORT_THRESHOLD = 0.65
# Share of embedding similarity when matching a claim to its best corpus sentence: even, because a
# paraphrased claim shares fewer words with its source than a question shares with its answer.
GROUND_DENSE_SHARE = 0.5


@dataclass(frozen=True)
class SentenceCheck:
    text: str
    supported: bool
    score: float
    source: str | None
    start: int | None
    end: int | None
    quote: str | None
    dense: float
    lexical: float
    verbatim: bool
    missing_numbers: tuple[str, ...]
    missing_names: tuple[str, ...]
    negation_differs: bool
    reason: str


@dataclass(frozen=True)
class GroundReport:
    question: str
    answer: str
    sentences: tuple[SentenceCheck, ...]

    @property
    def supported_ratio(self) -> float:
        return round(sum(s.supported for s in self.sentences) / len(self.sentences), 4) if self.sentences else 0.0

    def to_dict(self) -> dict[str, Any]:
        keys = ("text", "supported", "score", "source", "start", "end", "quote")
        sentences = []
        for s in self.sentences:
            data = asdict(s)
            extra = {k: v for k, v in data.items() if k not in keys}
            sentences.append({**{k: data[k] for k in keys}, "evidence": extra})
        return {
            "question": self.question,
            "answer": self.answer,
            "supported_ratio": self.supported_ratio,
            "sentences": sentences,
        }


def answer_sentences(answer: str) -> list[str]:
    """Sentences of a plain-text answer from elsewhere (e.g. an LLM's), its [n] markers dropped."""
    text = MARKER.sub("", answer)
    return [text[s:e] for s, e in split_spans(text, 0, len(text))]


class Grounder:
    def __init__(
        self, assistant: Assistant, threshold: float = SUPPORT_THRESHOLD, verifier: Verifier | None = None
    ) -> None:
        self.assistant = assistant
        self.verifier = verifier or SpanVerifier()
        self.threshold = threshold
        data = assistant.data
        self.candidates = [s for s in data.sentences if not is_heading(s.text)]
        self.vectors = data.sentence_vectors[[s.sent_id for s in self.candidates]]
        self.tokens = [tokenize(s.text) for s in self.candidates]
        self.idf = idf_table(self.tokens)

    def check(self, question: str, answer: str, sentences: Sequence[str] | None = None) -> GroundReport:
        """Check `sentences` (a structured answer's texts) or, without them, the sentences of `answer`."""
        texts = list(sentences) if sentences is not None else answer_sentences(answer)
        return GroundReport(question, answer, tuple(self.check_sentences(texts)))

    def check_sentences(self, texts: Sequence[str]) -> list[SentenceCheck]:
        if not texts:
            return []
        vectors = np.asarray(self.assistant.embedder.embed(list(texts)), dtype=np.float32)
        return [self._check(text, vec) for text, vec in zip(texts, vectors, strict=True)]

    def _check(self, text: str, vec: np.ndarray) -> SentenceCheck:
        dense = self.vectors @ vec
        words = tokenize(text)
        lexical = np.array([overlap_score(words, toks, self.idf) for toks in self.tokens])
        blend = GROUND_DENSE_SHARE * dense + (1 - GROUND_DENSE_SHARE) * lexical
        best = int(np.argmax(blend))
        sent = self.candidates[best]
        doc = self.assistant.documents[sent.doc_id]
        start, end, quote = sent.start, sent.end, sent.text
        verbatim = _find_verbatim(text, doc.text)
        if verbatim is not None:
            start, end = verbatim
            quote = doc.text[start:end]
        score = 1.0 if verbatim is not None else float(blend[best])
        support = self.verifier.support(text, quote)
        reason = support.problem or _reason(score, self.threshold, verbatim is not None)
        return SentenceCheck(
            text=text,
            supported=reason in ("verbatim", "similar"),
            score=round(score, 4),
            source=doc.source,
            start=start,
            end=end,
            quote=quote,
            dense=round(float(dense[best]), 4),
            lexical=round(float(lexical[best]), 4),
            verbatim=verbatim is not None,
            missing_numbers=support.missing_numbers,
            missing_names=support.missing_names,
            negation_differs=support.negation_differs,
            reason=reason,
        )


def _find_verbatim(text: str, document: str) -> tuple[int, int] | None:
    needle = text.strip().rstrip(".").strip()
    if len(needle) < 20:
        return None
    at = document.find(needle)
    return (at, at + len(needle)) if at >= 0 else None


def _reason(score: float, threshold: float, verbatim: bool) -> str:
    if verbatim:
        return "verbatim"
    return "similar" if score >= threshold else f"weak evidence ({score:.2f} < {threshold:.2f})"
