"""rag eval: the evaluation report (retrieval, citations, abstention, grounding, ablations)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.cli.common import add_paths, config_from, load_assistant, say
from rag.config import Config
from rag.errors import ConfigError

# Where `rag eval` reads and writes unless told otherwise, inside the project folder.
DEFAULTS = {"out": "eval/reports", "gold": "eval/gold.jsonl", "labels": "eval/grounding_labels.jsonl"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        help="evaluate retrieval, citations, abstention and the grounding check on the gold data",
        description="Answer every gold question in eval/gold.jsonl, calibrate the abstention threshold on the "
        "dev split, report the test split, run the ablations, measure `rag ground` on the hand-labelled "
        "sentences, and write report.md, metrics.json and PNG plots. Deterministic on CPU except latency.",
        epilog="examples:\n  rag eval                       write eval/reports/\n"
        "  rag eval --no-ablations        quicker: skip the ablation table\n"
        "  rag eval --check               recompute and compare with the committed eval/reports/metrics.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", metavar="DIR", help=f"report folder (default {DEFAULTS['out']} in the project)")
    p.add_argument("--gold", metavar="FILE", help=f"gold questions, JSON lines (default {DEFAULTS['gold']})")
    p.add_argument("--labels", metavar="FILE", help=f"labelled sentences (default {DEFAULTS['labels']})")
    p.add_argument("--no-ablations", action="store_true", help="skip the ablation runs")
    p.add_argument("--no-suites", action="store_true", help="skip the second corpora in eval/suites/")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 when numbers differ from --out")
    add_paths(p)
    p.set_defaults(run=run)


def eval_path(args: argparse.Namespace, name: str, config: Config) -> Path:
    """A flag's path as typed (relative to the current folder), else the project's own file."""
    given = getattr(args, name)
    return Path(given) if given else config.root / DEFAULTS[name]


def run(args: argparse.Namespace) -> int:
    from rag.evaluation import pipeline, report
    from rag.evaluation.suite import suite_folders

    config = config_from(args).with_overrides(abstain_threshold=0.0)
    out = eval_path(args, "out", config)
    committed = out / "metrics.json"
    if args.check and not committed.is_file():
        raise ConfigError(f"{committed} does not exist: run `rag eval` first")
    progress = sys.stderr.isatty()
    assistant = load_assistant(args, config)
    results = pipeline.evaluate(
        assistant,
        gold_file=eval_path(args, "gold", config),
        labels_file=eval_path(args, "labels", config),
        ablations=not args.no_ablations,
        suites=[] if args.no_suites else suite_folders(config.root),
        progress=progress,
        say=say,
    )
    if args.check:
        diffs = report.differences(results.to_json(), json.loads(committed.read_text(encoding="utf-8")))
        for line in diffs:
            print(line)
        print(f"{len(diffs)} difference(s) from {committed} (latency ignored)", file=sys.stderr)
        return 1 if diffs else 0
    for path in report.write(results, out):
        say(f"wrote {path}")
    t = results.test
    say(
        f"test: hit@5 {t.hit_at_5:.3f}, citation precision {t.citation_precision:.3f}, abstention F1 "
        f"{t.abstain_f1:.3f}, grounding accuracy {results.grounding['test']['accuracy']:.3f}; "
        f"threshold {results.calibration['chosen']} (rag/config.py: {results.calibration['configured']})"
    )
    return 0
