"""rag ask: answer one question, or one per stdin line with `-`."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable

from rag.cli.common import add_paths, load_assistant
from rag.errors import QuestionError
from rag.limits import K_MAX, MAX_SENTENCES_MAX, MODES
from rag.types import Answer, Turn


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ask",
        help="answer a question from the documents, with citations",
        description="Answer from the indexed documents only: each sentence of the answer is quoted "
        "verbatim from a source and cited. When the evidence is too weak, the answer says so (abstains).",
        epilog='examples:\n  rag ask "What does the plan say about open source?"\n'
        '  rag ask --json "When was the plan released?"\n'
        '  rag ask --after "Who wrote the commentary?" "Where does he work?"\n'
        "  cat questions.txt | rag ask --json -",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("question", help="the question, or - to read one question per line from stdin")
    p.add_argument("--json", action="store_true", help="print the answer as one JSON object (per line)")
    p.add_argument(
        "--k", type=_bounded("k", K_MAX), metavar="N", help=f"passages to retrieve, 1 to {K_MAX} (default 5)"
    )
    p.add_argument(
        "--max-sentences",
        type=_bounded("max_sentences", MAX_SENTENCES_MAX),
        metavar="N",
        help=f"most sentences in the answer, 1 to {MAX_SENTENCES_MAX} (default 4)",
    )
    p.add_argument("--mode", choices=MODES, help="retrieval: hybrid (default), dense or bm25")
    p.add_argument(
        "--after",
        action="append",
        default=[],
        metavar="QUESTION",
        help="an earlier question of the conversation, so a follow-up ('and what do critics say about it?') "
        "is read with it; repeat for several, oldest first",
    )
    add_paths(p)
    p.set_defaults(run=run)


def _bounded(name: str, most: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid int value: {value!r}") from None
        if not 1 <= n <= most:
            raise argparse.ArgumentTypeError(f"{name}={n} is out of range: use 1 to {most}")
        return n

    return parse


def run(args: argparse.Namespace) -> int:
    if args.question == "-":
        return _run_stdin(args)
    if not args.question.strip():
        raise QuestionError('the question is empty: rag ask "What does the plan say about open source?"')
    assistant = load_assistant(args)
    history = [Turn(q) for q in args.after]
    answer = assistant.ask(args.question, history, k=args.k, mode=args.mode, max_sentences=args.max_sentences)
    print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else render(answer))
    return 0


def _run_stdin(args: argparse.Namespace) -> int:
    """One answer per line, model loaded once; a bad line gets an error object, not a crash."""
    assistant = load_assistant(args)
    stdin = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    lines = (raw.decode("utf-8", errors="replace") for raw in stdin) if stdin else iter(sys.stdin)
    failures = 0
    for line in lines:
        question = line.rstrip("\r\n")
        if not question.strip():
            continue
        try:
            history = [Turn(q) for q in args.after]
            answer = assistant.ask(question, history, k=args.k, mode=args.mode, max_sentences=args.max_sentences)
            out = answer.to_dict() if args.json else render(answer)
        except QuestionError as exc:
            failures += 1
            out = {"question": question[:200], "error": str(exc)} if args.json else f"error: {exc}"
        print(json.dumps(out, ensure_ascii=False) if args.json else out, flush=True)
    return 2 if failures else 0


def render(answer: Answer) -> str:
    lines = [textwrap.fill(answer.answer, width=100), ""]
    if answer.abstained:
        lines.append(f"(abstained, confidence {answer.confidence:.2f}) Related reading:")
        for p in answer.passages[:3]:
            lines.append(f"  - {p.title} ({p.source}:{p.start}-{p.end})")
            lines.append(textwrap.indent(textwrap.shorten(p.text, 240), "      "))
        return "\n".join(lines)
    lines.append(f"Sources (confidence {answer.confidence:.2f}):")
    for c in answer.citations:
        byline = ", ".join(x for x in (c.outlet, c.date) if x)
        lines.append(f"  [{c.n}] {c.title}" + (f" — {byline}" if byline else ""))
        lines.append(f"      {c.source}:{c.start}-{c.end}")
        lines.append(textwrap.indent(textwrap.fill(f'"{c.quote}"', width=94), "      "))
    return "\n".join(lines)
