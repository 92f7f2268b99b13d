"""rag index: build or refresh the index."""

from __future__ import annotations

import argparse
import sys

from rag.assistant import Assistant
from rag.cli.common import add_paths, config_from, say
from rag.config import Config
from rag.index.checksums import verify_build
from rag.index.store import current_build, read_manifest


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "index",
        help="build or refresh the index from the corpus folder",
        description="Read every .txt/.md/.html/.pdf file in the corpus folder, chunk it, embed the chunks and\n"
        "sentences (reusing cached vectors), and write the index atomically.\n\n"
        "Loading an index checks every file's size and re-hashes only the files whose size or\n"
        "modification time changed since they were last hashed; --verify re-hashes every file.",
        epilog="examples:\n  rag index --corpus corpus/ --index .rag/index\n"
        "  rag index --verify      exit 0: every file matches the manifest; exit 1: damaged files named",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_paths(p)
    what = p.add_mutually_exclusive_group()
    what.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")
    what.add_argument(
        "--verify",
        action="store_true",
        help="re-hash every file of the current build against the sha256 checksums in its manifest, print "
        "OK or name each damaged file (exit 1; the next `rag index` then rebuilds); builds nothing",
    )
    p.set_defaults(run=run)


def verify(config: Config) -> int:
    build = current_build(config.index_path)
    result = verify_build(build, read_manifest(build))
    if result.damaged:
        for problem in result.damaged:
            say(f"damaged: {problem}")
        say(f"{len(result.damaged)} of {result.files} index files damaged: rebuild with `rag index`")
        return 1
    print(f"OK: {result.files} files, {result.bytes:,} bytes match the manifest of {build} ({result.seconds:.2f} s)")
    return 0


def run(args: argparse.Namespace) -> int:
    config = config_from(args)
    if args.verify:
        return verify(config)
    build = "always" if args.force else "auto"
    assistant = Assistant.load(config, build=build, progress=sys.stderr.isatty(), on_message=say)
    m = assistant.data.manifest
    say(
        f"Index ready at {assistant.data.path}: {m['counts']['documents']} documents, "
        f"{m['counts']['chunks']} chunks, model {m['model_id']}"
    )
    return 0
