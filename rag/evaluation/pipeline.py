"""`rag eval` end to end: answer the gold questions, calibrate on dev, summarise dev and test,
run the ablations and measure the grounding check; everything lands in one `Results`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rag.assistant import Assistant
from rag.config import Config
from rag.errors import ConfigError
from rag.evaluation import calibrate
from rag.evaluation.ablation import run_ablations
from rag.evaluation.gold import GoldItem, load_gold
from rag.evaluation.grounding import Grounder
from rag.evaluation.metrics import prf
from rag.evaluation.runner import Outcome, run
from rag.evaluation.suite import run_suite
from rag.evaluation.summary import Summary, latency, summarise

GOLD_FILE = Path("eval/gold.jsonl")
LABELS_FILE = Path("eval/grounding_labels.jsonl")
TAGS = (
    "number",
    "date",
    "paraphrase",
    "cross",
    "criticism",
    "reception",
    "followup",
    "casual",
    "typo",
    "near-domain",
    "far",
)


@dataclass(frozen=True)
class Results:
    model: str
    settings: dict[str, Any]
    gold: dict[str, dict[str, int]]
    calibration: dict[str, Any]
    dev: Summary
    test: Summary
    test_by_tag: dict[str, dict[str, float]]
    ablations: list[dict[str, Any]]
    grounding: dict[str, Any]
    latency_ms: dict[str, dict[str, float]]
    machine: dict[str, float] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list, repr=False)
    sweep: list[calibrate.SweepPoint] = field(default_factory=list, repr=False)
    suites: dict[str, dict[str, Any]] = field(default_factory=dict)  # second corpora (rag/evaluation/suite.py)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("outcomes")
        data["sweep"] = [asdict(p) for p in self.sweep]
        return data


def split(outcomes: Sequence[Outcome], name: str) -> list[Outcome]:
    return [o for o in outcomes if o.item.split == name]


def by_tag(outcomes: Sequence[Outcome], threshold: float) -> dict[str, dict[str, float]]:
    out = {}
    for tag in TAGS:
        tagged = [o for o in outcomes if tag in o.item.tags]
        if tagged:
            s, at = summarise(tagged, threshold), calibrate.point(tagged, threshold)
            out[tag] = {
                "questions": float(len(tagged)),
                "hit_at_5": s.hit_at_5,
                "coverage": s.coverage,
                "citation_precision": s.citation_precision,
                "abstain_recall": s.abstain_recall,
                "handled": at.handled,
                "risk": at.risk,
            }
    return out


def grounding_accuracy(grounder: Grounder, root: Path, labels_file: Path) -> dict[str, Any]:
    try:
        text = (root / labels_file).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read labelled sentences {labels_file} ({exc}): pass --labels FILE") from exc
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    checks = grounder.check_sentences([r["text"] for r in rows])
    result: dict[str, Any] = {"threshold": grounder.threshold, "labels": _shown(labels_file, root)}
    for name in ("dev", "test", "all"):
        pairs = [(r, c) for r, c in zip(rows, checks, strict=True) if name in ("all", r["split"])]
        unsupported = prf([not c.supported for _, c in pairs], [not r["supported"] for r, _ in pairs])
        result[name] = {
            "sentences": len(pairs),
            "accuracy": round(sum(c.supported == r["supported"] for r, c in pairs) / len(pairs), 4),
            "unsupported_precision": round(unsupported.precision, 4),
            "unsupported_recall": round(unsupported.recall, 4),
        }
    result["errors"] = [
        {"id": r["id"], "kind": r["kind"], "text": r["text"], "labelled": r["supported"], "reason": c.reason}
        for r, c in zip(rows, checks, strict=True)
        if c.supported != r["supported"]
    ]
    return result


def _shown(path: Path, root: Path) -> str:
    """A path as the report shows it: relative to the project when inside it (no server path)."""
    full = (root / path).resolve()
    return full.relative_to(root.resolve()).as_posix() if full.is_relative_to(root.resolve()) else path.as_posix()


def _ablation_row(name: str, outcomes: Sequence[Outcome], threshold: float) -> dict[str, Any]:
    s = summarise(outcomes, threshold)
    keys = ("hit_at_1", "hit_at_5", "recall_at_5", "mrr_at_10", "ndcg_at_10", "coverage", "citation_precision")
    return {"variant": name, **{k: getattr(s, k) for k in keys}, "abstain_f1": s.abstain_f1}


def evaluate(
    assistant: Assistant,
    *,
    gold_file: Path = GOLD_FILE,
    labels_file: Path = LABELS_FILE,
    ablations: bool = True,
    suites: Sequence[Path] = (),
    progress: bool = True,
    say: Callable[[str], None] = lambda _m: None,
) -> Results:
    """`assistant` must be loaded with abstain_threshold=0 (see runner); `configured` is read from
    the defaults so the report can say whether rag/config.py holds the calibrated value."""
    root = assistant.config.root
    items: list[GoldItem] = load_gold(root / gold_file)
    say(f"Answering {len(items)} gold questions …")
    outcomes = run(assistant, items, progress=progress)
    dev, test = split(outcomes, "dev"), split(outcomes, "test")
    sweep = calibrate.sweep(dev)
    chosen = calibrate.choose(sweep)
    t = chosen.threshold
    rows = []
    if ablations:
        say("Ablations on the test split …")
        test_items = [i for i in items if i.split == "test"]
        rows = [_ablation_row(v.name, o, t) for v, o in run_ablations(assistant, test_items, progress=progress)]
    say("Measuring the grounding check on the hand-labelled sentences …")
    return Results(
        model=assistant.model_id,
        settings=_settings(assistant.config),
        gold={s: _counts(split(outcomes, s)) for s in ("dev", "test")},
        calibration={
            "rule": calibrate.RULE,
            "chosen": t,
            "configured": Config().abstain_threshold,
            "dev_at_chosen": asdict(chosen),
        },
        dev=summarise(dev, t),
        test=summarise(test, t),
        test_by_tag=by_tag(test, t),
        ablations=rows,
        grounding=grounding_accuracy(Grounder(assistant), root, labels_file),
        latency_ms=latency(outcomes),
        machine=machine(),
        outcomes=outcomes,
        sweep=sweep,
        suites=_suites(assistant, suites, t, progress, say),
    )


def _suites(
    assistant: Assistant, folders: Sequence[Path], threshold: float, progress: bool, say: Callable[[str], None]
) -> dict[str, dict[str, Any]]:
    out = {}
    for folder in folders:
        say(f"Second corpus {folder.name}: indexing and answering …")
        out[folder.name] = run_suite(assistant, folder, threshold, progress=progress)
    return out


def machine() -> dict[str, float]:
    """What the latency figures depend on: cores and how busy they were during the run."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {"cpus": float(os.cpu_count() or 0), "load_avg_1m": round(load[0], 2), "load_avg_5m": round(load[1], 2)}


def _counts(outcomes: Sequence[Outcome]) -> dict[str, int]:
    return {
        "answerable": sum(o.item.answerable for o in outcomes),
        "out_of_scope": sum(not o.item.answerable for o in outcomes),
        "followups": sum(bool(o.item.history) for o in outcomes),
    }


def _settings(config: Config) -> dict[str, Any]:
    keys = ("chunk_tokens", "chunk_overlap", "k", "k_dense", "k_bm25", "rrf_k", "mode", "use_mmr", "max_sentences")
    return {k: getattr(config, k) for k in keys}
