"""rag ground: check anyone's answers against the corpus, sentence by sentence."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

from rag.cli.common import add_paths, load_assistant
from rag.errors import QuestionError

LIMITS = """what it cannot detect: without an NLI model, a contradiction worded without a negation word,
number or name ("high on vision" vs "detailed on enforcement") passes; a claim that needs two source
sentences together may be flagged; a name that opens the sentence is not checked."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ground",
        help="check whether each sentence of given answers is supported by the documents",
        description='Read JSON lines {"question": ..., "answer": ...} (for instance from an LLM; with the '
        '"sentences" list that `rag ask --json` writes, those sentences are checked) and, for every '
        "answer sentence, find the best supporting span in the corpus with the local model: verbatim and "
        "near-verbatim matching, embedding similarity, and numbers, dates, names and negation that must agree.",
        epilog="examples:\n  rag ground eval/ground_sample.jsonl\n  rag ground --json answers.jsonl > checked.jsonl\n"
        "  cat answers.jsonl | rag ground -\n\n" + LIMITS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", help="JSON lines with question and answer, or - for stdin")
    p.add_argument("--json", action="store_true", help="one JSON object per input line")
    add_paths(p)
    p.set_defaults(run=run)


def _records(path: str) -> Iterator[tuple[int, dict | None, str]]:
    """(line number, record or None, error) for every non-blank line."""
    if path == "-":
        lines = list(sys.stdin)
    else:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise QuestionError(f"cannot read {path} ({exc}): give a UTF-8 JSON lines file") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            yield n, None, f"line {n} is not JSON ({exc})"
            continue
        if not isinstance(record, dict) or not isinstance(record.get("answer"), str):
            yield n, None, f'line {n} needs an object with a string "answer"'
            continue
        if "sentences" in record and _sentence_texts(record["sentences"]) is None:
            yield (
                n,
                None,
                f'line {n}: "sentences" must be a list of {{"text": ...}} objects, as `rag ask --json` writes',
            )
            continue
        yield n, record, ""


def _sentence_texts(value: object) -> list[str] | None:
    """The texts of a structured answer's "sentences" field, or None when it is malformed."""
    if not isinstance(value, list) or not all(isinstance(s, dict) and isinstance(s.get("text"), str) for s in value):
        return None
    return [s["text"] for s in value]


def run(args: argparse.Namespace) -> int:
    from rag.evaluation.grounding import Grounder

    records = list(_records(args.file))
    if not records:
        raise QuestionError(f'{args.file} has no lines: give one {{"question": ..., "answer": ...}} per line')
    grounder = Grounder(load_assistant(args))
    failures = 0
    for _n, record, error in records:
        if record is None:
            failures += 1
            print(json.dumps({"error": error}) if args.json else f"error: {error}", flush=True)
            continue
        sentences = _sentence_texts(record["sentences"]) if "sentences" in record else None
        result = grounder.check(str(record.get("question", "")), record["answer"], sentences)
        print(json.dumps(result.to_dict(), ensure_ascii=False) if args.json else render(result), flush=True)
    return 2 if failures else 0


def render(result) -> str:  # type: ignore[no-untyped-def]
    lines = [f"Q: {result.question}", f"supported: {result.supported_ratio:.0%} of {len(result.sentences)} sentences"]
    for i, s in enumerate(result.sentences, start=1):
        mark = "✔" if s.supported else "✘"
        lines.append(f"  {i}. {mark} {s.score:.2f}  {textwrap.shorten(s.text, 90)}")
        lines.append(f"       {s.reason}; dense {s.dense:.2f}, lexical {s.lexical:.2f}")
        if s.source:
            lines.append(f'       {s.source}:{s.start}-{s.end} "{textwrap.shorten(s.quote or "", 80)}"')
    return "\n".join(lines) + "\n"
