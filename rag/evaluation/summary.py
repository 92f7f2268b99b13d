"""Outcomes + an abstention threshold → the headline metrics of one split."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.evaluation import metrics as m
from rag.evaluation.runner import Outcome

STAGES = ("embed", "retrieve", "compose", "total")


@dataclass(frozen=True)
class Summary:
    questions: int
    answerable: int
    out_of_scope: int
    hit_at_1: float
    hit_at_5: float
    recall_at_5: float
    recall_at_10: float
    mrr_at_10: float
    ndcg_at_10: float
    coverage: float  # share of answerable questions answered
    citation_precision: float
    citation_recall: float
    evidence_recall: float
    verbatim_rate: float
    cited_sentence_share: float
    abstain_precision: float
    abstain_recall: float
    abstain_f1: float
    token_f1: float  # over all answerable questions, an abstention scoring 0
    token_f1_answered: float


def _avg(values: Sequence[float | None]) -> float:
    value = m.mean(values)
    return round(value, 4) if value is not None else 0.0


def retrieval(outcomes: Sequence[Outcome]) -> dict[str, float]:
    rels = [(o, m.relevance(o.retrieved, o.gold)) for o in outcomes]
    return {
        "hit_at_1": _avg([m.hit_at_k(r, 1) for _, r in rels]),
        "hit_at_5": _avg([m.hit_at_k(r, 5) for _, r in rels]),
        "recall_at_5": _avg([m.recall_at_k(o.retrieved, o.facts, 5) for o, _ in rels]),
        "recall_at_10": _avg([m.recall_at_k(o.retrieved, o.facts, 10) for o, _ in rels]),
        "mrr_at_10": _avg([m.mrr_at_k(r, 10) for _, r in rels]),
        "ndcg_at_10": _avg([m.ndcg_at_k(r, o.n_relevant, 10) for o, r in rels]),
    }


def citations(answered: Sequence[Outcome], every_answer: Sequence[Outcome]) -> dict[str, float]:
    """Support metrics over answered answerable questions; form metrics over every answer given."""
    cited = [c for o in every_answer for c in o.citations]
    return {
        "citation_precision": _avg([m.citation_precision([c.span for c in o.citations], o.gold) for o in answered]),
        "citation_recall": _avg([m.citation_recall([[c.span] for c in o.citations], o.gold) for o in answered]),
        "evidence_recall": _avg([m.evidence_recall([c.span for c in o.citations], o.facts) for o in answered]),
        "verbatim_rate": round(sum(c.verbatim for c in cited) / len(cited), 4) if cited else 0.0,
        "cited_sentence_share": _avg([m.cited_sentence_share(o.sentences) for o in every_answer]),
    }


def summarise(outcomes: Sequence[Outcome], threshold: float) -> Summary:
    answerable = [o for o in outcomes if o.item.answerable]
    answered = [o for o in answerable if not o.abstains(threshold)]
    abstention = m.prf([o.abstains(threshold) for o in outcomes], [not o.item.answerable for o in outcomes])
    f1s = [0.0 if o.abstains(threshold) else m.token_f1(o.answer, o.item.answer) for o in answerable]
    return Summary(
        questions=len(outcomes),
        answerable=len(answerable),
        out_of_scope=len(outcomes) - len(answerable),
        **retrieval(answerable),
        coverage=round(len(answered) / len(answerable), 4) if answerable else 0.0,
        **citations(answered, [o for o in outcomes if not o.abstains(threshold)]),
        abstain_precision=round(abstention.precision, 4),
        abstain_recall=round(abstention.recall, 4),
        abstain_f1=round(abstention.f1, 4),
        token_f1=_avg(f1s),
        token_f1_answered=_avg([m.token_f1(o.answer, o.item.answer) for o in answered]),
    )


def latency(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float]]:
    """p50/p95 per stage in ms (machine-dependent: never part of the reproducibility check)."""
    out = {}
    for stage in STAGES:
        values = [o.timings_ms[stage] for o in outcomes if stage in o.timings_ms]
        out[stage] = {"p50": round(m.percentile(values, 50), 2), "p95": round(m.percentile(values, 95), 2)}
    return out
