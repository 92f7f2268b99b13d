"""Metrics, each a small pure function over spans, flags and numbers (no engine, no model).

A span is (doc_id, start, end). A passage or citation is relevant when it overlaps a gold span of
the same document by at least one character."""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rag.types import AnswerSentence

Span = tuple[str, int, int]
MARKER = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans({c: " " for c in string.punctuation + "“”‘’—–…"})


def overlaps(a: Span, b: Span) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def relevance(retrieved: Sequence[Span], gold: Sequence[Span]) -> list[bool]:
    return [any(overlaps(r, g) for g in gold) for r in retrieved]


def hit_at_k(rel: Sequence[bool], k: int) -> float:
    return 1.0 if any(rel[:k]) else 0.0


def recall_at_k(retrieved: Sequence[Span], facts: Sequence[Sequence[Span]], k: int) -> float:
    """Share of required facts with at least one of their (alternative) spans in the top k."""
    if not facts:
        return 0.0
    top = retrieved[:k]
    return sum(any(overlaps(r, g) for r in top for g in fact) for fact in facts) / len(facts)


def mrr_at_k(rel: Sequence[bool], k: int = 10) -> float:
    return next((1.0 / rank for rank, ok in enumerate(rel[:k], start=1) if ok), 0.0)


def ndcg_at_k(rel: Sequence[bool], n_relevant: int, k: int = 10) -> float:
    """Binary-gain nDCG; the ideal ranking puts all `n_relevant` relevant passages of the index first."""
    dcg = sum(1.0 / math.log2(rank + 1) for rank, ok in enumerate(rel[:k], start=1) if ok)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(n_relevant, k) + 1))
    return dcg / ideal if ideal else 0.0


def citation_precision(cited: Sequence[Span], gold: Sequence[Span]) -> float | None:
    """Share of citations that overlap gold evidence (None when nothing is cited)."""
    return sum(relevance(cited, gold)) / len(cited) if cited else None


def citation_recall(statements: Sequence[Sequence[Span]], gold: Sequence[Span]) -> float | None:
    """ALCE-style: share of answer statements supported by their citations, where a statement is
    supported when one of its citations overlaps gold evidence (None for an empty answer)."""
    if not statements:
        return None
    return sum(any(relevance(cites, gold)) for cites in statements) / len(statements)


def evidence_recall(cited: Sequence[Span], facts: Sequence[Sequence[Span]]) -> float:
    """Share of required gold facts that at least one citation covers."""
    return recall_at_k(cited, facts, len(cited)) if cited else 0.0


def verbatim_rate(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Share of (quote, source text at the cited offsets) pairs that are identical."""
    return sum(q == s for q, s in pairs) / len(pairs) if pairs else None


def cited_sentence_share(sentences: Sequence[AnswerSentence]) -> float | None:
    """Share of answer sentences that carry at least one citation."""
    return sum(bool(s.citations) for s in sentences) / len(sentences) if sentences else None


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


def prf(predicted: Sequence[bool], actual: Sequence[bool]) -> PRF:
    """Precision, recall and F1 of the positive class (a ratio with an empty denominator is 0)."""
    tp = sum(p and a for p, a in zip(predicted, actual, strict=True))
    fp = sum(p and not a for p, a in zip(predicted, actual, strict=True))
    fn = sum(a and not p for p, a in zip(predicted, actual, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1, tp, fp, fn)


def normalise_answer(text: str) -> list[str]:
    """SQuAD-style: drop citation markers, lower-case, drop punctuation and articles."""
    text = MARKER.sub(" ", text).lower().translate(_PUNCT)
    return _ARTICLES.sub(" ", text).split()


def token_f1(prediction: str, reference: str) -> float:
    pred, ref = normalise_answer(prediction), normalise_answer(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default method)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def mean(values: Sequence[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None
