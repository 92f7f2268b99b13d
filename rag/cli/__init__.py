"""`rag` command line: one module per subcommand, each with `add_parser(subparsers)` and `run(args)`.
Only this layer turns RagError into a one-line message (exit 2)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from rag.errors import RagError
from rag.runtime import stay_offline
from rag.version import __version__

COMMANDS = ("index", "ask", "serve", "eval", "ground")

EPILOG = """examples:
  rag index                                  build or refresh the index from corpus/
  rag ask "What does the plan say about open source?"
  rag ask --json "When was the plan released?"
  printf 'q1\\nq2\\n' | rag ask --json -      one JSON answer per input line
  rag serve --port 7860                      web chat on http://127.0.0.1:7860
  rag eval                                   evaluation report in eval/reports/
  rag ground eval/ground_sample.jsonl        check the sentences of given answers

project folder: --project DIR, else RAG_HOME, else the nearest folder upwards from here with corpus/
or rag.toml, else the checkout rag is installed from.
configuration: rag.toml ([rag] table) in the project folder, then RAG_EMBED_MODEL, RAG_CORPUS_DIR,
RAG_INDEX_DIR, RAG_CACHE_DIR, then flags."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rag",
        description="Grounded answers from your documents, every sentence cited to an exact span.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"rag {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"rag.cli.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    stay_offline()
    try:
        args = build_parser().parse_args(argv)
        if not args.command:
            build_parser().print_help()
            return 2
        return int(args.run(args) or 0)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `rag ask ... | head` closed the pipe: not an error worth a traceback. Point stdout at
        # devnull so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
