"""Choose the abstention threshold on the dev split, and the risk–coverage view of confidence.

Rule: the threshold that handles the most dev questions right, where an answerable question is
handled right when it is answered with a citation on gold evidence and an out-of-scope one when the
assistant abstains; when several grid points tie, the middle one of the tied points, so the choice
sits as far as the data allows from the questions on either side. (Maximising abstention F1 alone,
the earlier rule, degenerates to "always abstain" once confidence separates the classes poorly.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.evaluation import metrics as m
from rag.evaluation.runner import Outcome

RULE = (
    "maximise the share of dev questions handled right (answerable: answered with a citation on gold "
    "evidence; out-of-scope: abstained); ties → middle of the tied grid points"
)
GRID = tuple(round(i * 0.005, 3) for i in range(0, 201))


@dataclass(frozen=True)
class SweepPoint:
    threshold: float
    precision: float
    recall: float
    f1: float
    coverage: float  # share of answerable questions answered
    risk: float  # share of answered questions answered wrongly
    handled: float  # share of all questions handled right (the calibration objective)


def correct(o: Outcome) -> bool:
    """An answer is right when the question is answerable and a citation overlaps gold evidence."""
    return o.item.answerable and any(m.overlaps(c.span, g) for c in o.citations for g in o.gold)


def point(outcomes: Sequence[Outcome], threshold: float) -> SweepPoint:
    abstained = [o.abstains(threshold) for o in outcomes]
    scores = m.prf(abstained, [not o.item.answerable for o in outcomes])
    answerable = [o for o in outcomes if o.item.answerable]
    answered = [o for o, a in zip(outcomes, abstained, strict=True) if not a]
    return SweepPoint(
        threshold=threshold,
        precision=round(scores.precision, 4),
        recall=round(scores.recall, 4),
        f1=round(scores.f1, 4),
        coverage=round(sum(not o.abstains(threshold) for o in answerable) / max(len(answerable), 1), 4),
        risk=round(sum(not correct(o) for o in answered) / len(answered), 4) if answered else 0.0,
        handled=round(
            sum(correct(o) if not a else not o.item.answerable for o, a in zip(outcomes, abstained, strict=True))
            / max(len(outcomes), 1),
            4,
        ),
    )


def sweep(outcomes: Sequence[Outcome], grid: Sequence[float] = GRID) -> list[SweepPoint]:
    return [point(outcomes, t) for t in grid]


def choose(points: Sequence[SweepPoint]) -> SweepPoint:
    best = max(p.handled for p in points)
    tied = [p for p in points if p.handled == best]
    return tied[(len(tied) - 1) // 2]


def risk_coverage(outcomes: Sequence[Outcome]) -> list[tuple[float, float]]:
    """(coverage, risk) when only the n most confident questions are answered, n = 1..N: risk is
    the share of those answers that are wrong (out-of-scope, or no citation on gold evidence)."""
    ranked = sorted(outcomes, key=lambda o: (-o.confidence, o.item.id))
    curve, wrong = [], 0
    for n, o in enumerate(ranked, start=1):
        wrong += not correct(o)
        curve.append((round(n / len(ranked), 4), round(wrong / n, 4)))
    return curve
