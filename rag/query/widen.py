"""A second, deeper search for a typed question that the first one left without its answer type."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rag.answer.kinds import TYPED_KINDS
from rag.query.pipeline import Step
from rag.query.state import QueryState
from rag.query.steps import Rerank, Retrieve

# How much deeper a typed question searches when no candidate holds its type: the amount asked for
# ("how much is China spending") may sit in a passage worded apart from the question ("investments
# exceeding $8 billion") that the usual depth does not reach.
WIDEN_FACTOR = 3


@dataclass(frozen=True)
class Widen:
    """Searches again, deeper, for a typed question whose best candidate lacks the expected type,
    and keeps the deeper answer when its best candidate has the type and it is more confident. The
    passages shown stay the first search's. Costs a second search only then."""

    retrieve: Retrieve
    rerank: Rerank
    compose: Step
    stage: str = "retrieve"

    def __call__(self, state: QueryState) -> QueryState:
        best = state.scored[0].signals if state.scored else None
        typed = state.analysis is not None and state.analysis.expected in TYPED_KINDS
        if not (typed and best is not None and best.type_missing):
            return state
        deeper = replace(self.retrieve, evidence_depth=self.retrieve.evidence_depth * WIDEN_FACTOR)
        # The first compose's refusal is no reason to refuse again: the composer returns early on a notice.
        wide = self.compose(self.rerank(deeper(replace(state, notice=""))))
        found = wide.scored[0].signals if wide.scored else None
        if found is None or found.type_missing or wide.confidence <= state.confidence:
            return state
        return replace(wide, hits=state.hits)
