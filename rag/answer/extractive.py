"""The default Composer: quote the retrieved sentences that best answer the question, each whole and
cited to its exact span, or abstain when even the best one is too weak."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rag.answer import compose
from rag.answer.abstain import refusal
from rag.answer.coherence import cohere
from rag.answer.compound import each_part
from rag.answer.gate import Gate
from rag.config import Config

if TYPE_CHECKING:
    from rag.query.state import QueryState


@dataclass(frozen=True)
class ExtractiveComposer:
    min_sentence_chars: int = Config.min_sentence_chars
    abstain_threshold: float = Config.abstain_threshold
    sentence_margin: float = Config.sentence_margin  # quote sentences scoring within this of the best one
    gate: Gate | None = None  # the learned support gate; None scores by the rules alone

    def compose(self, state: QueryState) -> QueryState:
        if state.notice:
            return replace(state, abstained=True, confidence=0.0, sentences=(), citations=())
        ev = state.index.evidence
        scored = compose.score_sentences(
            ev,
            state.evidence_hits or state.hits,
            state.query_vector,
            state.question_tokens,
            self.min_sentence_chars,
            state.analysis,
        )
        confidence = max(0.0, min(1.0, scored[0].score)) if scored else 0.0
        if self.gate is not None:
            confidence = self.gate.confidence(scored, state.analysis)
        contradiction = compose.premise_contradicted(scored)
        if contradiction is not None:
            confidence *= compose.PREMISE_CONTRADICTED
        abstained = confidence < self.abstain_threshold
        chosen = [] if abstained else compose.select(scored, ev, state.max_sentences, self.sentence_margin)
        if chosen and state.analysis is not None and state.part_vectors and self.gate is None:
            # each part against the rule score's threshold (the learned gate scores whole questions)
            chosen = each_part(
                chosen,
                state.analysis,
                ev,
                state.evidence_hits or state.hits,
                state.part_vectors,
                self.min_sentence_chars,
                self.abstain_threshold,
                state.max_sentences,
            )
        chosen = cohere(chosen, ev, state.max_sentences)
        sentences, citations = compose.cite(chosen, ev.documents)
        return replace(
            state,
            scored=tuple(scored),
            confidence=confidence,
            abstained=abstained,
            sentences=sentences,
            citations=citations,
            notice=refusal(state.analysis, state.evidence_hits or state.hits, ev.documents, ev, contradiction)
            if not sentences
            else "",
        )
