"""A second corpus nobody tuned for (eval/suites/<name>/: corpus/ and gold.jsonl): the engine at the
threshold calibrated on the main dev split, beside the naive pipeline that cites its top dense chunk
and never abstains. Answer-in-citation: the gold answer text is inside what the answer cites."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.assistant import Assistant
from rag.evaluation.gold import GoldItem, load_gold
from rag.evaluation.metrics import hit_at_k, relevance
from rag.evaluation.runner import RETRIEVAL_DEPTH

SUITES_DIR = Path("eval/suites")


def suite_folders(root: Path) -> list[Path]:
    folder = root / SUITES_DIR
    return sorted(p for p in folder.iterdir() if (p / "gold.jsonl").is_file()) if folder.is_dir() else []


@dataclass(frozen=True)
class Trial:
    item: GoldItem
    confidence: float
    cited: str  # the quotes of the answer, joined
    naive: str  # the top dense chunk the naive pipeline would cite
    hit: bool  # a gold span in the top RETRIEVAL_DEPTH passages


def run_suite(base: Assistant, folder: Path, threshold: float, *, progress: bool = False) -> dict[str, Any]:
    """`base` is the evaluated assistant (abstain_threshold=0); the suite gets an index of its own."""
    config = base.config.with_overrides(
        corpus_dir=folder / "corpus", index_dir=base.config.cache_path / "suites" / folder.name / "index"
    )
    assistant = Assistant.load(config, base.embedder, progress=progress)
    trials = [_trial(assistant, item) for item in load_gold(folder / "gold.jsonl")]
    return {
        "name": folder.name,
        "threshold": threshold,
        "all": _figures(trials, threshold),
        **{split: _figures([t for t in trials if t.item.split == split], threshold) for split in ("dev", "test")},
    }


def _trial(assistant: Assistant, item: GoldItem) -> Trial:
    answer = assistant.ask(item.question)
    ranked = assistant.ask(item.question, k=RETRIEVAL_DEPTH)
    naive = assistant.ask(item.question, k=1, mode="dense")
    gold = [(g.doc_id, g.start, g.end) for g in item.evidence]
    spans = [(p.doc_id, p.start, p.end) for p in ranked.passages]
    return Trial(
        item=item,
        confidence=answer.confidence,
        cited=" ".join(c.quote for c in answer.citations),
        naive=naive.passages[0].text if naive.passages else "",
        hit=bool(gold) and hit_at_k(relevance(spans, gold), 5) == 1.0,
    )


def _figures(trials: Sequence[Trial], threshold: float) -> dict[str, float]:
    answerable = [t for t in trials if t.item.answerable]
    traps = [t for t in trials if not t.item.answerable]
    answered = [t for t in answerable if t.confidence >= threshold]
    return {
        "answerable": float(len(answerable)),
        "traps": float(len(traps)),
        "answer_in_citation": _share(answerable, lambda t: t.confidence >= threshold and _holds(t.cited, t)),
        "answer_in_citation_answered": _share(answered, lambda t: _holds(t.cited, t)),
        "naive_answer_in_citation": _share(answerable, lambda t: _holds(t.naive, t)),
        "hit_at_5": _share(answerable, lambda t: t.hit),
        "coverage": _share(answerable, lambda t: t.confidence >= threshold),
        "trap_abstain_recall": _share(traps, lambda t: t.confidence < threshold),
        "naive_trap_abstain_recall": 0.0,  # the naive pipeline always cites something
    }


def _holds(text: str, trial: Trial) -> bool:
    return bool(trial.item.answer) and trial.item.answer.casefold() in text.casefold()


def _share(items: Sequence[Trial], test: Any) -> float:
    return round(sum(bool(test(t)) for t in items) / len(items), 4) if items else 0.0
