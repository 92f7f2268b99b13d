"""rag index: build or refresh the index."""

from __future__ import annotations

import argparse
import sys

from rag.assistant import Assistant
from rag.cli.common import add_paths, config_from, say


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "index",
        help="build or refresh the index from the corpus folder",
        description="Read every .txt/.md/.html/.pdf file in the corpus folder, chunk it, embed the chunks "
        "and sentences (reusing cached vectors), and write the index atomically.",
        epilog="example: rag index --corpus corpus/ --index .rag/index",
    )
    add_paths(p)
    p.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = config_from(args)
    build = "always" if args.force else "auto"
    assistant = Assistant.load(config, build=build, progress=sys.stderr.isatty(), on_message=say)
    m = assistant.data.manifest
    say(
        f"Index ready at {assistant.data.path}: {m['counts']['documents']} documents, "
        f"{m['counts']['chunks']} chunks, model {m['model_id']}"
    )
    return 0
