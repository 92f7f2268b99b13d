"""Ask every gold question once and keep what the metrics need.

The engine runs with abstention switched off (threshold 0), so each outcome holds the answer it
would give plus its confidence; any threshold is then applied afterwards exactly as the engine
applies it (abstain when confidence < threshold). One run therefore serves the whole sweep."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rag.assistant import Assistant
from rag.errors import ConfigError
from rag.evaluation.gold import GoldItem
from rag.evaluation.metrics import Span, overlaps
from rag.types import Answer, AnswerSentence, Turn

RETRIEVAL_DEPTH = 10


@dataclass(frozen=True)
class CitedSpan:
    doc_id: str
    start: int
    end: int
    verbatim: bool  # the quote equals the source file's text at these offsets

    @property
    def span(self) -> Span:
        return (self.doc_id, self.start, self.end)


@dataclass(frozen=True)
class Outcome:
    item: GoldItem
    confidence: float
    answer: str
    citations: tuple[CitedSpan, ...]
    retrieved: tuple[Span, ...]  # the top RETRIEVAL_DEPTH passages, best first
    n_relevant: int  # chunks in the index that overlap gold evidence (for ideal DCG)
    timings_ms: dict[str, float] = field(default_factory=dict)
    sentences: tuple[AnswerSentence, ...] = ()  # the structured answer (answer is its display form)

    def abstains(self, threshold: float) -> bool:
        return self.confidence < threshold

    @property
    def gold(self) -> tuple[Span, ...]:
        return tuple((g.doc_id, g.start, g.end) for g in self.item.evidence)

    @property
    def facts(self) -> list[list[Span]]:
        by_fact: dict[int, list[Span]] = {}
        for g in self.item.evidence:
            by_fact.setdefault(g.fact, []).append((g.doc_id, g.start, g.end))
        return [by_fact[f] for f in sorted(by_fact)]


class SourceTexts:
    """Source files read straight from disk, so the verbatim check does not trust the index."""

    def __init__(self, root: Path, assistant: Assistant) -> None:
        self.root = root
        self.assistant = assistant
        self._cache: dict[str, str] = {}

    def text(self, doc_id: str, source: str) -> str:
        if source not in self._cache:
            path = self.root / source
            plain = path.suffix.lower() in (".txt", ".md") and path.is_file()
            # .html/.pdf offsets index the extracted text, which only the index holds
            self._cache[source] = path.read_text(encoding="utf-8") if plain else self.assistant.documents[doc_id].text
        return self._cache[source]


def evaluate_item(assistant: Assistant, item: GoldItem, texts: SourceTexts) -> Outcome:
    history = [Turn(q) for q in item.history]
    ranked = assistant.ask(item.question, history, k=RETRIEVAL_DEPTH)
    answer = assistant.ask(item.question, history)
    gold = [(g.doc_id, g.start, g.end) for g in item.evidence]
    return Outcome(
        item=item,
        confidence=answer.confidence,
        answer=answer.answer,
        citations=_cited(answer, texts),
        retrieved=tuple((p.doc_id, p.start, p.end) for p in ranked.passages),
        n_relevant=sum(any(overlaps((c.doc_id, c.start, c.end), g) for g in gold) for c in assistant.data.chunks),
        timings_ms=dict(answer.timings_ms),
        sentences=answer.sentences,
    )


def _cited(answer: Answer, texts: SourceTexts) -> tuple[CitedSpan, ...]:
    return tuple(
        CitedSpan(c.doc_id, c.start, c.end, texts.text(c.doc_id, c.source)[c.start : c.end] == c.quote)
        for c in answer.citations
    )


def run(
    assistant: Assistant, items: Sequence[GoldItem], *, progress: bool = True, desc: str = "Evaluating"
) -> list[Outcome]:
    """Outcomes in gold order; `assistant` must have been loaded with abstain_threshold=0."""
    from tqdm import tqdm

    if assistant.config.abstain_threshold > 0:
        raise ConfigError("run the evaluation with abstain_threshold=0 so every answer is kept")
    texts = SourceTexts(assistant.config.root, assistant)
    bar = tqdm(items, desc=desc, unit="q", disable=not progress, file=sys.stderr, leave=False)
    return [evaluate_item(assistant, item, texts) for item in bar]
