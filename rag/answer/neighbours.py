"""Sentences read with the ones beside them: a sentence that opens by referring back ("It calls
for…", "He is also…", "Now, less than two years later…") names what the one before names, and a why
or how question that a sentence only restates is answered next to it, where the reason stands."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from rag.answer.evidence import Evidence
from rag.answer.facts import Facts

if TYPE_CHECKING:
    from rag.answer.compose import Scored

# A why or how question that a sentence only restates ("why are the undertones unmistakable?"
# against "The geopolitical undertones are unmistakable.") is answered beside the claim: the
# sentences next to it are scored with at least this share of the restatement's evidence.
ECHO_NEIGHBOUR = 0.9
# Openings that refer back to the sentence before for what they speak of ("It calls for…", "He is
# also…", "Now, less than two years later…"); not an "it" that stands for what follows ("It was
# suggested that…", "It's likely that…"), nor "This year", "That said", "Then-President".
_LEANS = re.compile(
    r"^\W*(?:it(?!['’]s\b|\s+(?:is|was|has been|had been|seems|seemed|appears|appeared|remains|would|will|could"
    r"|may|might)\b)|its|he|she|his|her|they|their|such"
    r"|(?:this|these|that|those)(?!\s+(?:year|years|week|month|day|days|time|said)\b)|now,|then,)",
    re.I,
)


def leaned_on(ev: Evidence, sid: int) -> Facts | None:
    """The facts of the sentence before `sid` when `sid` opens by referring back to it, else None."""
    if sid <= 0 or not _LEANS.match(ev.sentences[sid].text) or ev.sentences[sid - 1].doc_id != ev.sentences[sid].doc_id:
        return None
    return ev.facts(sid - 1)


def after_restatements(
    scored: list[Scored],
    ev: Evidence,
    one: Callable[[int, str, int, float, float], Scored | None],
    qvec: np.ndarray,
    rank_prior: float,
) -> list[Scored]:
    """Each sentence that only restates a why/how question lends ECHO_NEIGHBOUR of its evidence to
    the sentences next to it: the reason stands beside the claim ("It calls for preventing U.S.
    adversaries from free-riding… The geopolitical undertones are unmistakable."). `one` scores a
    sentence (id, chunk id, rank, evidence floor, cosine); `rank_prior` is the composer's rank weight."""
    by_id = {c.sentence.sent_id: c for c in scored}
    for echo in [c for c in scored if c.signals is not None and c.signals.echo and c.factor > 0]:
        floor = ECHO_NEIGHBOUR * echo.score / echo.factor / (1 + rank_prior / echo.rank)
        for sid in (echo.sentence.sent_id - 1, echo.sentence.sent_id + 1):
            if not 0 <= sid < len(ev.sentences) or ev.sentences[sid].doc_id != echo.sentence.doc_id:
                continue
            chunk = _chunk_holding(ev, sid, echo.chunk_id)
            item = one(sid, chunk, echo.rank, floor, float(ev.sentence_vectors[sid] @ qvec))
            if item is not None and (sid not in by_id or item.score > by_id[sid].score):
                by_id[sid] = item
    return list(by_id.values())


def _chunk_holding(ev: Evidence, sid: int, near: str) -> str:
    """The chunk the neighbour is cited from: `near` (the restatement's) or the chunk before or
    after it, whichever holds the sentence (a neighbour may cross a chunk edge)."""
    doc, _, n = near.rpartition("#")
    for cid in (near, f"{doc}#{int(n) - 1}", f"{doc}#{int(n) + 1}") if n.isdigit() else (near,):
        if sid in ev.sentences_of_chunk.get(cid, ()):
            return cid
    return near
