"""The learned support gate: one logistic regression over the signals of a candidate sentence (how
close it is to the question, which asked-for names, numbers and answer type it lacks, how it
compares with the question's other candidates) giving the probability that it answers the question.

The rule-based score multiplies fixed factors; the gate learns how much each miss weighs, and
normalises against the question's own candidates (a sentence much less similar than the best one
is not an answer, whatever its absolute cosine). Coefficients live in gate.json beside this module,
written by `python -m eval.train_gate` from the dev split only (with hard negatives made by
swapping names and numbers in its questions)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rag.answer.compose import Scored
from rag.answer.question import Question
from rag.errors import ConfigError

FEATURES = (
    "rules",  # the rule-based support score (rag/answer/compose.py)
    "dense",
    "lexical",
    "dense_gap",  # dense minus the best dense among the question's candidates
    "lexical_gap",
    "type_missing",
    "predicate",
    "entity_elsewhere",
    "entity_absent",
    "swapped",  # another country, or another year, month, day or rank, than the question gives
    "numbers_missing",
    "unknown_share",  # share of the question's words the corpus never uses
    "inverse_rank",
)
GATE_FILE = "gate.json"


@dataclass(frozen=True)
class Gate:
    weights: tuple[float, ...]  # per feature, on standardised features
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    @classmethod
    def load(cls, path: Path | None = None) -> Gate:
        """The committed coefficients (or those at `path`); ConfigError names a file that does not fit."""
        where = path or resources.files("rag.answer").joinpath(GATE_FILE)
        try:
            raw = json.loads(where.read_text(encoding="utf-8"))
            if tuple(raw["features"]) != FEATURES:
                raise ValueError(f"features {raw['features']} are not {list(FEATURES)}")
            gate = cls(tuple(raw["weights"]), float(raw["bias"]), tuple(raw["mean"]), tuple(raw["scale"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"the support gate {where} is unusable ({exc}): retrain it with `python -m eval.train_gate` "
                "or set support_gate = 'rules'"
            ) from exc
        if not len(gate.weights) == len(gate.mean) == len(gate.scale) == len(FEATURES):
            raise ConfigError(f"the support gate {where} has {len(gate.weights)} weights for {len(FEATURES)} features")
        return gate

    def probability(self, row: Sequence[float]) -> float:
        z = self.bias + sum(
            w * (x - m) / s for w, x, m, s in zip(self.weights, row, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def confidence(self, scored: Sequence[Scored], question: Question | None) -> float:
        """The probability that the best candidate (by the rules) answers the question."""
        rows = feature_rows(scored[:1], question, scored)
        return self.probability(rows[0]) if rows else 0.0


def feature_rows(
    scored: Sequence[Scored], question: Question | None, among: Sequence[Scored] = ()
) -> list[tuple[float, ...]]:
    """One row of FEATURES per candidate, in the candidates' order; gaps are measured against the
    best of `among` (default: the candidates themselves)."""
    if not scored:
        return []
    pool = among or scored
    best_dense = max(s.dense for s in pool)
    best_lexical = max(s.lexical for s in pool)
    words = set(question.tokens) if question else set()
    unknown = len(set(question.unknown) & words) / len(words) if question and words else 0.0
    rows: list[tuple[float, ...]] = []
    for s in scored:
        sig = s.signals
        rows.append(
            (
                s.score,
                s.dense,
                s.lexical,
                s.dense - best_dense,
                s.lexical - best_lexical,
                float(sig.type_missing) if sig else 0.0,
                sig.predicate if sig else 1.0,
                sig.entity_elsewhere if sig else 0.0,
                float(sig.entity_absent) if sig else 0.0,
                float(sig.swapped or sig.number_swapped) if sig else 0.0,
                float(sig.numbers_missing) if sig else 0.0,
                unknown,
                1.0 / s.rank,
            )
        )
    return rows
