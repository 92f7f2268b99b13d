"""Flags and helpers shared by subcommands."""

from __future__ import annotations

import argparse
import sys

from rag.assistant import Assistant
from rag.config import Config, load_config
from rag.runtime import limit_threads


def add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", metavar="DIR", help="folder of documents (default: corpus/)")
    parser.add_argument("--index", metavar="DIR", help="index folder (default: .rag/index)")
    parser.add_argument(
        "--model", metavar="NAME_OR_PATH", help="sentence-transformers model (default: all-MiniLM-L6-v2)"
    )


def config_from(args: argparse.Namespace) -> Config:
    return load_config(corpus_dir=args.corpus, index_dir=args.index, embed_model=args.model)


def say(message: str) -> None:
    print(message, file=sys.stderr)


def load_assistant(args: argparse.Namespace, config: Config | None = None) -> Assistant:
    """The assistant a subcommand answers with, the process tuned for answering."""
    config = config or config_from(args)
    limit_threads(config.query_thread_count)
    return Assistant.load(config, progress=sys.stderr.isatty(), on_message=say)
