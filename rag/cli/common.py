"""Flags and helpers shared by subcommands."""

from __future__ import annotations

import argparse
import sys

from rag.assistant import Assistant
from rag.config import Config, load_config


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


def load_assistant(args: argparse.Namespace) -> Assistant:
    return Assistant.load(config_from(args), progress=sys.stderr.isatty(), on_message=say)
