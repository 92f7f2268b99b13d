"""Questions that ask two things at once ("Which new bodies does the plan propose, and what are
they meant to achieve?"): each part is checked on its own, so the answer quotes a sentence for each
part instead of two sentences for the first."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from rag.answer import compose
from rag.answer.coherence import dangling, unlinked
from rag.answer.compose import Scored
from rag.answer.evidence import Evidence
from rag.answer.question import analyse
from rag.types import Hit

# ", and what …", " and how …": a second question joined to the first (not "and" inside a phrase,
# "the US and China").
_JOINED = re.compile(
    r",?\s+and\s+(?=(?:what|how|why|who|whom|when|where|which|is|are|was|were|does|do|did|can)\b)", re.I
)
MIN_PART_WORDS = 3  # "and why?" is a follow-up's ellipsis, not a question of its own


def parts(wording: str) -> tuple[str, ...]:
    """The questions a compound question joins, or just the question."""
    pieces = [p.strip() for p in _JOINED.split(wording) if p.strip()]
    if len(pieces) < 2 or any(len(p.split()) < MIN_PART_WORDS for p in pieces):
        return (wording,)
    return tuple(pieces)


def each_part(
    chosen: Sequence[Scored],
    wording: str,
    ev: Evidence,
    hits: Sequence[Hit],
    vectors: Sequence[np.ndarray],
    min_chars: int,
    floor: float,
    max_sentences: int,
) -> list[Scored]:
    """`chosen` with, for each part of a compound question (`vectors`: each part's embedding), its
    best sentence when that one scores at least `floor` (the abstention threshold) and is not
    chosen yet; the weakest of `chosen` make room for them within `max_sentences`."""
    pieces = parts(wording)
    if len(pieces) < 2 or len(vectors) != len(pieces):
        return list(chosen)
    added: list[Scored] = []
    for piece, vector in zip(pieces, vectors, strict=True):
        question = analyse(piece, ev.lexicon)
        scored = compose.score_sentences(ev, hits, vector, question.tokens, min_chars, question)
        best = scored[0] if scored else None
        taken = {c.sentence.sent_id for c in (*chosen, *added)}
        if best is not None and best.score >= floor and best.sentence.sent_id not in taken:
            cut = unlinked(best)  # "However, skepticism remains …" answers from after its link word
            added.append(cut if cut is not best and not dangling(cut.sentence.text) else best)
    return [*chosen[: max(1, max_sentences - len(added))], *added][:max_sentences]
