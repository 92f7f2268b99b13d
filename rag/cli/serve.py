"""rag serve: the web chat (and HTTP API) on 127.0.0.1."""

from __future__ import annotations

import argparse

from rag.cli.common import add_paths, load_assistant, say


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the web chat on http://127.0.0.1:7860",
        description="Start the web chat. The index is built first when it is missing or stale.",
        epilog="example: rag serve --port 7860   (then open http://127.0.0.1:7860)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    add_paths(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    assistant = load_assistant(args)
    from ui.app import serve

    say(f"Serving on http://{args.host}:{args.port}  (Ctrl+C to stop)")
    serve(assistant, host=args.host, port=args.port)
    return 0
