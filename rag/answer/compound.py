"""Questions that ask two things at once ("Which new bodies does the plan propose, and what are
they meant to achieve?"): each part is checked on its own, so the answer quotes a sentence for each
part instead of two sentences for the first."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from rag.answer import compose
from rag.answer.coherence import antecedent, dangling, unlinked
from rag.answer.compose import Scored
from rag.answer.evidence import Evidence
from rag.answer.question import Question, analyse
from rag.types import Hit

# ", and what …", " and how …": a second question joined to the first (not "and" inside a phrase,
# "the US and China", nor a second verb, "attended and did not sign").
_JOINED = re.compile(r",?\s+and\s+(?=(?:what|how|why|who|whom|when|where|which)\b)", re.I)
MIN_PART_WORDS = 4  # "and why?", "which are banned?": an ellipsis that leans on the rest, no question
MAX_PARTS = 3  # each part is scored once more: a longer chain is read as one question


def parts(wording: str) -> tuple[str, ...]:
    """The questions a compound question joins, or just the question."""
    pieces = [p.strip() for p in _JOINED.split(wording) if p.strip()]
    words = [len(re.findall(r"[^\W\d_]+", p)) for p in pieces]
    if not 2 <= len(pieces) <= MAX_PARTS or min(words) < MIN_PART_WORDS:
        return (wording,)
    return tuple(pieces)


def each_part(
    chosen: Sequence[Scored],
    question: Question,
    ev: Evidence,
    hits: Sequence[Hit],
    vectors: Sequence[np.ndarray],
    min_chars: int,
    floor: float,
    max_sentences: int,
) -> list[Scored]:
    """`chosen` with each part's best sentence (`vectors`: each part's embedding) when it scores at
    least `floor` (the abstention threshold), stands on its own (from after a link word: "However,
    skepticism remains …" → "skepticism remains …") and no swap contradicts the part; the sentences
    of `chosen` that are no part's best make room for them within `max_sentences`. A part keeps the
    whole question's follow-up context and the document it names."""
    pieces = parts(question.wording)
    if len(pieces) < 2 or len(vectors) != len(pieces):
        return list(chosen)
    named = compose.scope_of(ev, question).words
    bests: list[Scored] = []
    for piece, vector in zip(pieces, vectors, strict=True):
        part = replace(analyse(piece, ev.lexicon), context=(*question.context, *named))
        scored = compose.score_sentences(ev, hits, vector, part.tokens, min_chars, part)
        if not scored or scored[0].score < floor or compose.premise_contradicted(scored) is not None:
            continue
        best = scored[0]
        cut = unlinked(best)
        best = cut if cut is not best and not dangling(cut.sentence.text) else best
        quoted = {c.sentence.sent_id for c in (*chosen[:1], *bests)}
        # a sentence leaning on one not quoted would be left out of the answer (coherence.py)
        stands = not dangling(best.sentence.text) or antecedent(ev, best.sentence) in quoted
        if stands and best.sentence.sent_id not in {b.sentence.sent_id for b in bests}:
            bests.append(best)
    ids = {b.sentence.sent_id for b in bests}
    added = [b for b in bests if all(c.sentence.sent_id != b.sentence.sent_id for c in chosen)]
    room = max(1, max_sentences - len(added))
    kept = [c for n, c in enumerate(chosen) if n == 0 or c.sentence.sent_id in ids]
    kept += [c for c in chosen[1:] if c.sentence.sent_id not in ids][: max(0, room - len(kept))]
    return [*kept, *added][:max_sentences]
