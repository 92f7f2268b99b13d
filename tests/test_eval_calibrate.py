"""Threshold sweep, the choice rule and the risk–coverage curve on four hand-made outcomes."""

from __future__ import annotations

import pytest

from rag.evaluation import calibrate
from rag.evaluation.gold import GoldItem, GoldSpan
from rag.evaluation.runner import CitedSpan, Outcome
from rag.evaluation.summary import summarise
from rag.types import AnswerSentence

GOLD = (GoldSpan(1, "d", "corpus/d.txt", 0, 10, "0123456789"),)


def outcome(item_id: str, answerable: bool, confidence: float, cite: tuple[int, int] | None) -> Outcome:
    item = GoldItem(
        item_id, "dev", "answerable" if answerable else "out_of_scope", "q?", "ref", GOLD if answerable else ()
    )
    cites = (CitedSpan("d", cite[0], cite[1], True),) if cite else ()
    sentences = (AnswerSentence("An answer sentence.", (1,)),)
    return Outcome(item, confidence, "An answer sentence. [1]", cites, (("d", 0, 10),), 1, {"total": 1.0}, sentences)


# A1 right (cites gold), A2 wrong (cites elsewhere), O1 and O2 out of scope
OUTCOMES = [
    outcome("A1", True, 0.9, (0, 5)),
    outcome("A2", True, 0.6, (50, 60)),
    outcome("O1", False, 0.7, (20, 30)),
    outcome("O2", False, 0.2, (20, 30)),
]


def test_point_at_a_threshold() -> None:
    # t=0.5: only O2 abstains → tp 1, fp 0, fn 1 → P 1, R 0.5, F1 2/3; both answerable answered;
    # answered A1, A2, O1 of which A2 and O1 are wrong → risk 2/3
    p = calibrate.point(OUTCOMES, 0.5)
    assert (p.precision, p.recall, p.f1, p.coverage, p.risk) == (1.0, 0.5, 0.6667, 1.0, 0.6667)
    # t=0.8: A2, O1, O2 abstain → tp 2, fp 1 → P 2/3, R 1, F1 0.8; coverage 1/2; only A1 answered → risk 0
    p = calibrate.point(OUTCOMES, 0.8)
    assert (p.precision, p.recall, p.f1, p.coverage, p.risk) == (0.6667, 1.0, 0.8, 0.5, 0.0)


def test_choice_is_the_middle_of_the_best_f1_plateau() -> None:
    # F1 is 0 up to 0.2, 2/3 up to 0.6, 1/2 up to 0.7, 0.8 for 0.705 … 0.9 (40 grid points), then 2/3:
    # the middle (index 19) of the 0.8 plateau is 0.705 + 19·0.005 = 0.8
    assert calibrate.choose(calibrate.sweep(OUTCOMES)).threshold == pytest.approx(0.8)


def test_risk_coverage_answers_the_most_confident_first() -> None:
    # order A1 (right), O1, A2, O2 (all wrong) → risks 0, 1/2, 2/3, 3/4
    assert calibrate.risk_coverage(OUTCOMES) == [(0.25, 0.0), (0.5, 0.5), (0.75, 0.6667), (1.0, 0.75)]


def test_summary_applies_the_threshold_like_the_engine() -> None:
    s = summarise(OUTCOMES, 0.8)
    assert s.coverage == 0.5 and s.citation_precision == 1.0 and s.abstain_f1 == 0.8
    s = summarise(OUTCOMES, 0.5)
    assert s.citation_precision == 0.5  # A1 on gold, A2 not
    assert s.hit_at_1 == 1.0 and s.verbatim_rate == 1.0 and s.cited_sentence_share == 1.0
