"""Flags and helpers shared by subcommands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rag.assistant import Assistant
from rag.config import Config, load_config
from rag.project import HOME_ENV
from rag.runtime import limit_threads


def add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        metavar="DIR",
        help=f"project folder holding corpus/ and rag.toml (default: {HOME_ENV}, else the nearest folder "
        "upwards from here that has corpus/ or rag.toml, else the checkout rag is installed from)",
    )
    parser.add_argument("--corpus", metavar="DIR", help="folder of documents (default: corpus/ in the project)")
    parser.add_argument("--index", metavar="DIR", help="index folder (default: .rag/index in the project)")
    parser.add_argument(
        "--model", metavar="NAME_OR_PATH", help="sentence-transformers model (default: all-MiniLM-L6-v2)"
    )


def config_from(args: argparse.Namespace) -> Config:
    # Folders typed on the command line are relative to where it is typed, wherever the project is.
    corpus, index = (str(Path(p).resolve()) if p else None for p in (args.corpus, args.index))
    config = load_config(args.project, corpus_dir=corpus, index_dir=index, embed_model=args.model)
    if config.root != Path.cwd().resolve():
        say(f"Project: {config.root}")
    return config


def say(message: str) -> None:
    print(message, file=sys.stderr)


def load_assistant(args: argparse.Namespace, config: Config | None = None) -> Assistant:
    """The assistant a subcommand answers with, the process tuned for answering."""
    config = config or config_from(args)
    limit_threads(config.query_thread_count)
    return Assistant.load(config, progress=sys.stderr.isatty(), on_message=say)
