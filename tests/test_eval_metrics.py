"""Every metric on small cases whose expected values are worked out by hand in the comments."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from rag.evaluation import metrics as m
from rag.types import AnswerSentence

D0 = ("d", 0, 10)


def test_overlap_needs_one_shared_character_in_the_same_document() -> None:
    assert not m.overlaps(("d", 0, 10), ("d", 10, 20))  # touching ends share no character
    assert m.overlaps(("d", 0, 11), ("d", 10, 20))
    assert not m.overlaps(("d", 0, 10), ("e", 0, 10))


def test_relevance_hit_and_mrr() -> None:
    rel = m.relevance([("d", 0, 5), ("d", 20, 30), ("e", 0, 5)], [("d", 25, 26)])
    assert rel == [False, True, False]
    assert m.hit_at_k(rel, 1) == 0.0
    assert m.hit_at_k(rel, 2) == 1.0
    # first relevant at rank 3 → 1/3; beyond the cut-off → 0
    assert m.mrr_at_k([False, False, True, True]) == pytest.approx(1 / 3)
    assert m.mrr_at_k([False] * 10 + [True], 10) == 0.0


def test_recall_counts_required_facts_with_alternative_spans() -> None:
    retrieved = [("d", 0, 10), ("e", 0, 10)]
    facts = [[("d", 5, 6), ("x", 0, 1)], [("e", 50, 60)], [("e", 5, 6)]]
    # k=1: only fact 1 (via its first alternative) → 1/3; k=2 adds fact 3 → 2/3
    assert m.recall_at_k(retrieved, facts, 1) == pytest.approx(1 / 3)
    assert m.recall_at_k(retrieved, facts, 2) == pytest.approx(2 / 3)
    assert m.recall_at_k(retrieved, [], 2) == 0.0


def test_ndcg_binary_gain() -> None:
    # DCG = 1/log2(2) + 1/log2(4) = 1 + 0.5 = 1.5; ideal with 2 relevant = 1 + 1/log2(3) = 1.6309 → 0.9197
    assert m.ndcg_at_k([True, False, True], n_relevant=2) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    assert m.ndcg_at_k([True, False, True], n_relevant=2) == pytest.approx(0.9197, abs=1e-4)
    assert m.ndcg_at_k([False, False], n_relevant=0) == 0.0


def test_citation_precision_recall_and_evidence_recall() -> None:
    gold = [("d", 5, 6)]
    # one of two citations is on gold → 0.5
    assert m.citation_precision([D0, ("d", 50, 60)], gold) == 0.5
    assert m.citation_precision([], gold) is None
    # statements 1 and 2 have a citation on gold, statement 3 does not → 2/3
    statements = [[D0], [("d", 50, 60), ("d", 5, 7)], [("d", 90, 95)]]
    assert m.citation_recall(statements, gold) == pytest.approx(2 / 3)
    assert m.citation_recall([], gold) is None
    # the citation covers fact 1 of 2 → 0.5
    assert m.evidence_recall([D0], [[("d", 5, 6)], [("e", 0, 1)]]) == 0.5
    assert m.evidence_recall([], [[("d", 5, 6)]]) == 0.0


def test_verbatim_rate_and_cited_sentence_share() -> None:
    assert m.verbatim_rate([("a", "a"), ("b", "c")]) == 0.5
    assert m.verbatim_rate([]) is None
    # stretches: "One is here." [1] | "Two is here. Three is here." [2] | "Four." → 4 sentences, 2 cited
    half = [AnswerSentence("One is here.", (1,)), AnswerSentence("Two.", ()), AnswerSentence("Three.", (2,))]
    assert m.cited_sentence_share([*half, AnswerSentence("Four.", ())]) == 0.5
    assert m.cited_sentence_share([AnswerSentence("Alpha beta.", (1, 2)), AnswerSentence("Gamma.", (3,))]) == 1.0
    assert m.cited_sentence_share([]) is None


def test_prf_of_the_positive_class() -> None:
    # tp = positions 0 and 4, fp = position 1, fn = position 2 → P = R = F1 = 2/3
    scores = m.prf([True, True, False, False, True], [True, False, True, False, True])
    assert (scores.tp, scores.fp, scores.fn) == (2, 1, 1)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(2 / 3)
    none = m.prf([False, False], [True, False])
    assert (none.precision, none.recall, none.f1) == (0.0, 0.0, 0.0)


def test_token_f1_squad_style() -> None:
    # prediction → [plan, has, 13, actions] (article and marker dropped); reference → [13, concrete, actions]
    # common 2: P = 2/4, R = 2/3, F1 = 2·(1/2)·(2/3)/(1/2 + 2/3) = 4/7
    assert m.token_f1("The plan has 13 actions. [1]", "13 concrete actions") == pytest.approx(4 / 7)
    assert m.token_f1("nothing shared", "13 actions") == 0.0


def test_percentile_interpolates_linearly() -> None:
    # p50 of 10,20,30,40: position 1.5 → 20 + 0.5·10 = 25; p95: position 2.85 → 30 + 0.85·10 = 38.5
    assert m.percentile([40, 10, 30, 20], 50) == pytest.approx(25)
    assert m.percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert m.percentile([5], 95) == 5
    assert m.percentile([], 50) == 0.0


def test_mean_skips_missing_values() -> None:
    assert m.mean([1.0, None, 0.0]) == 0.5
    assert m.mean([None]) is None


def test_report_paths_are_relative_to_the_project(tmp_path: Path) -> None:
    """`rag eval` from any folder passes absolute paths; the report still shows project-relative ones."""
    from rag.evaluation.pipeline import _shown

    assert _shown(tmp_path / "eval" / "labels.jsonl", tmp_path) == "eval/labels.jsonl"
    assert _shown(Path("eval/labels.jsonl"), tmp_path) == "eval/labels.jsonl"
    assert _shown(Path("/elsewhere/labels.jsonl"), tmp_path) == "/elsewhere/labels.jsonl"
