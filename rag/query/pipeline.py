"""A question's run through the steps, timed per stage, ending in an Answer."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from rag.answer import compose
from rag.protocols import Composer
from rag.query.state import IndexView, QueryState, Request
from rag.query.steps import Intake
from rag.types import Answer

# The timing stages reported in Answer.timings_ms (with "total"); every step counts towards one.
STAGES = ("embed", "retrieve", "compose")


class Step(Protocol):
    @property
    def stage(self) -> str: ...

    def __call__(self, state: QueryState) -> QueryState: ...


@dataclass(frozen=True)
class Compose:
    """Adapts a Composer (the pluggable role) to a step."""

    composer: Composer
    stage: str = "compose"

    def __call__(self, state: QueryState) -> QueryState:
        return self.composer.compose(state)


@dataclass(frozen=True)
class Pipeline:
    intake: Intake
    steps: tuple[Step, ...]

    def run(self, request: Request, index: IndexView) -> Answer:
        started = time.perf_counter()
        state = self.intake.start(request, index)
        spent = dict.fromkeys(STAGES, 0.0)
        mark = time.perf_counter()
        spent["embed"] += mark - started
        for step in self.steps:
            state = step(state)
            now = time.perf_counter()
            spent[step.stage] += now - mark
            mark = now
        timings = {stage: round(s * 1000, 3) for stage, s in spent.items()}
        timings["total"] = round((mark - started) * 1000, 3)
        return answer_of(state, timings)


def answer_of(state: QueryState, timings_ms: dict[str, float]) -> Answer:
    return Answer(
        question=state.question,
        answer=compose.display_text(state.sentences) if state.sentences else state.notice or compose.ABSTAIN_TEXT,
        abstained=state.abstained,
        confidence=round(state.confidence, 4),
        citations=state.citations,
        passages=compose.passages(state.hits, state.index.documents),
        timings_ms=timings_ms,
        retrieval_query=state.query,
        sentences=state.sentences,
        corrected_question=state.analysis.corrected if state.analysis else "",
    )
