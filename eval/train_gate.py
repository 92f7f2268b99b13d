"""Train the learned support gate (rag/answer/gate.py) on the dev split only, and write its
coefficients to rag/answer/gate.json.

    python -m eval.train_gate            # train and write
    python -m eval.train_gate --check    # retrain and fail if the committed file differs

Rows are the candidate sentences the composer scores for each dev question (rules scoring, no
abstention). A candidate of an answerable question is positive when it overlaps gold evidence;
every candidate of an out-of-scope question is negative. Hard negatives: each answerable dev
question with a name, year or month in it is asked again with that name, year or month swapped for
one the corpus lacks or contradicts, and all of its candidates are negative; these teach the gate
that a sentence about the topic is not an answer when the question's particulars differ. The fit is
an L2-regularised logistic regression by Newton's method on standardised features (numpy only)."""

from __future__ import annotations

import argparse
import calendar
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag import Assistant, load_config
from rag.answer.extractive import ExtractiveComposer
from rag.answer.gate import FEATURES, GATE_FILE, feature_rows
from rag.evaluation.gold import GoldItem, load_gold
from rag.query.state import QueryState
from rag.runtime import limit_threads, stay_offline
from rag.types import Turn

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "rag" / "answer" / GATE_FILE
L2 = 1.0  # ridge penalty on standardised weights; 0.3–20 tried, 1 best in 7-fold cross-validation on dev
HARD_NEGATIVE_WEIGHT = 0.5  # a swapped question counts half an out-of-scope one written by hand
# Swaps that make an answerable question unanswerable: a year the corpus never pairs with the
# event, a different month, and names of bodies and places the documents never mention.
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_MONTHS = list(calendar.month_name)[1:]
_NAME = re.compile(r"\b(China|Chinese|Xinhua|Shanghai|United States|American|America|Tsinghua|UN|Beijing)\b")
_STAND_INS = {"China": "Brazil", "Chinese": "Brazilian", "Xinhua": "Reuters", "Shanghai": "Geneva"}


@dataclass
class Recorder:
    """A composer that keeps the last state it produced (the candidates and the analysis)."""

    inner: ExtractiveComposer
    last: list[QueryState] = field(default_factory=list)

    def compose(self, state: QueryState) -> QueryState:
        out = self.inner.compose(state)
        self.last[:] = [out]
        return out


def swapped(question: str) -> str | None:
    """The question with one particular changed so that the documents no longer answer it."""
    if m := _YEAR.search(question):
        return question[: m.start()] + str(int(m.group()) - 7) + question[m.end() :]
    for month in _MONTHS:
        if month in question:
            return question.replace(month, _MONTHS[(_MONTHS.index(month) + 5) % 12])
    if m := _NAME.search(question):
        return question[: m.start()] + _STAND_INS.get(m.group(), "Canada") + question[m.end() :]
    return None


def row_of(assistant: Assistant, rec: Recorder, item: GoldItem, question: str, positive: bool):  # type: ignore[no-untyped-def]
    """The features of the question's best candidate, and whether the question is answerable (the
    label "is the best candidate on gold evidence" cross-validated worse: 0.69 against 0.74)."""
    assistant.ask(question, [Turn(q) for q in item.history])
    state = rec.last[0]
    if not state.scored:
        return None
    return feature_rows(state.scored[:1], state.analysis, state.scored)[0], positive


def collect(
    assistant: Assistant, rec: Recorder, items: Sequence[GoldItem]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs, ys, ws = [], [], []
    for item in items:
        asks = [(item.question, item.answerable, 1.0)]
        variant = swapped(item.question) if item.answerable and not item.history else None
        if variant:
            asks.append((variant, False, HARD_NEGATIVE_WEIGHT))
        for question, positive, weight in asks:
            got = row_of(assistant, rec, item, question, positive)
            if got:
                xs.append(got[0])
                ys.append(got[1])
                ws.append(weight)
    return np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64), np.array(ws, dtype=np.float64)


def fit(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = L2
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """Weighted ridge logistic regression by Newton's method on standardised features."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(z @ beta, -30, 30)))
        grad = z.T @ (w * (p - y)) + penalty * beta
        hess = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta[1:], float(beta[0]), mean, scale


def cross_validate(x: np.ndarray, y: np.ndarray, w: np.ndarray, folds: int = 7) -> tuple[float, float]:
    """Best weighted share of questions whose answerability is decided right (answerable answered,
    others refused) over
    thresholds: the rules score as it is, and the gate's held-out probabilities (folds by row)."""
    held = np.zeros(len(y))
    for f in range(folds):
        test = np.arange(len(y)) % folds == f
        weights, bias, mean, scale = fit(x[~test], y[~test], w[~test])
        held[test] = 1 / (1 + np.exp(-(bias + ((x[test] - mean) / scale) @ weights)))

    def best(score: np.ndarray) -> float:
        grid = np.unique(np.concatenate([score, [np.inf]]))
        return max(float(np.sum(w * ((score >= t) == (y > 0))) / np.sum(w)) for t in grid)

    return best(x[:, FEATURES.index("rules")]), best(held)


def train(root: Path = ROOT) -> dict:
    config = load_config(root, abstain_threshold=0.0, support_gate="rules")
    rec = Recorder(
        ExtractiveComposer(
            min_sentence_chars=config.min_sentence_chars, abstain_threshold=0.0, sentence_margin=config.sentence_margin
        )
    )
    assistant = Assistant.load(config, composer=rec, progress=False)
    dev = [i for i in load_gold(root / "eval" / "gold.jsonl") if i.split == "dev"]
    x, y, w = collect(assistant, rec, dev)
    weights, bias, mean, scale = fit(x, y, w)
    rules, gate = cross_validate(x, y, w)
    return {
        "features": list(FEATURES),
        "weights": [round(float(v), 6) for v in weights],
        "bias": round(bias, 6),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "trained_on": {
            "split": "dev",
            "questions": len(dev),
            "rows": len(y),
            "positives": int(y.sum()),
            "hard_negative_rows": int((w < 1).sum()),
            "l2": L2,
            "model": config.embed_model,
            "cross_validated_answerability_right": {"rules": round(rules, 4), "gate": round(gate, 4)},
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.train_gate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed coefficients differ")
    args = parser.parse_args(argv)
    stay_offline()
    limit_threads(1)
    gate = train()
    text = json.dumps(gate, indent=1) + "\n"
    if args.check:
        same = OUT.is_file() and OUT.read_text(encoding="utf-8") == text
        print(f"{OUT}: {'matches' if same else 'differs from'} a fresh training run", file=sys.stderr)
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(
        f"wrote {OUT} ({gate['trained_on']['rows']} rows, {gate['trained_on']['positives']} positive)", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
