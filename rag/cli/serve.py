"""rag serve: the web chat and the HTTP API on 127.0.0.1."""

from __future__ import annotations

import argparse
import importlib
import os
import socket
import time
from typing import TYPE_CHECKING, Any, cast

from rag.cli.common import add_paths, config_from, load_assistant, say
from rag.config import Config, load_config
from rag.errors import ConfigError

if TYPE_CHECKING:
    from rag.assistant import Assistant
    from rag.http.app import ChatMount

TOKEN_ENV = "RAG_API_TOKEN"
WARM_UP = "What do the documents say?"  # any question loads the model; the answer is discarded
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Idle keep-alive connections close after this; beyond MAX_CONNECTIONS uvicorn answers 503 at once.
KEEP_ALIVE_S = 5
MAX_CONNECTIONS = 256
MAX_WORKERS = 64


def served_hosts(host: str, config: Config) -> tuple[str, ...]:
    """Host names requests may use: the configured ones, the bound address, and this machine's own
    name and addresses when bound to all interfaces."""
    hosts = [h.strip() for h in config.allowed_hosts.split(",") if h.strip()]
    if host in ("0.0.0.0", "::", ""):
        name = socket.gethostname()
        try:
            hosts += [name, socket.getfqdn(), *socket.gethostbyname_ex(name)[2]]
        except OSError:
            hosts.append(name)
    else:
        hosts.append(host)
    return tuple(dict.fromkeys(hosts))


def load_chat(spec: str) -> ChatMount | None:
    """The web chat named by the `chat_ui` setting ("module:function"; "" for the API alone)."""
    if not spec:
        return None
    module, _, name = spec.partition(":")
    try:
        mount = getattr(importlib.import_module(module), name or "mount")
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            f"chat_ui={spec!r} cannot be loaded ({exc}): name a module:function that mounts a chat, "
            'or set chat_ui = "" (RAG_CHAT_UI=) to serve the API alone'
        ) from exc
    return cast("ChatMount", mount)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the web chat and the HTTP API on http://127.0.0.1:7860",
        description="Start the web chat at / and the JSON API at /api (OpenAPI schema at /openapi.json). "
        "The index is built first when it is missing or stale; the model is loaded once and shared. "
        f"Set {TOKEN_ENV} to require 'Authorization: Bearer <token>' on every request "
        "(a browser opens /?token=<token> once).",
        epilog="examples:\n  rag serve                      then open http://127.0.0.1:7860\n"
        "  rag serve --port 8000\n"
        "  RAG_CHAT_UI= rag serve --workers 2   the API alone, two questions answered at once\n"
        f"  {TOKEN_ENV}=s3cret rag serve --host 0.0.0.0   reachable from other machines, token required\n"
        "  curl -s localhost:7860/api/ask -H 'content-type: application/json' \\\n"
        '       -d \'{"question": "What does the plan say about open source?"}\'',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=_port, default=7860, help="port (default 7860)")
    p.add_argument(
        "--open",
        action="store_true",
        help=f"serve a non-loopback --host without {TOKEN_ENV}: anyone who can reach the port may use it",
    )
    p.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help="processes answering the API at once (default 1). On a machine with several cores, "
        "--workers 2 or more answers that many questions in parallel; it serves the API alone, so set "
        'chat_ui = "" (RAG_CHAT_UI=) with it',
    )
    p.add_argument("--worker", help=argparse.SUPPRESS)  # LISTEN_FD:READY_FD, given by the parent to a worker
    add_paths(p)
    p.set_defaults(run=run)


def _workers(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"workers {value!r} is not a number from 1 to {MAX_WORKERS}")
    return int(value)


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"port {value!r} is not a number from 1 to 65535")
    return int(value)


def run(args: argparse.Namespace) -> int:
    token = _checked_token(args)
    if args.worker:
        return _serve_worker(args, token)
    config = config_from(args)
    chat = load_chat(config.chat_ui)  # before the model loads: fail in a second, not after it
    if args.workers > 1:
        return _serve_workers(args, config, chat is not None)
    _check_free(args.host, args.port)  # before the model loads, as above
    assistant = load_assistant(args, config)
    # The embedding model loads on first use: load it now, so the first visitor does not wait seconds.
    started = time.perf_counter()
    assistant.ask(WARM_UP)
    say(f"Model ready in {time.perf_counter() - started:.1f} s")
    app = _app(args, config, assistant, token, chat)
    where = (
        f"the chat on http://{args.host}:{args.port} and the API at /api"
        if chat
        else f"the API at /api on http://{args.host}:{args.port}"
    )
    say(f"Serving {where}  (Ctrl+C to stop)")
    uvicorn_server(app, args).run()
    return 0


def _checked_token(args: argparse.Namespace) -> str:
    token = os.environ.get(TOKEN_ENV, "")
    if token and not all(ch.isalnum() or ch in "-_.~" for ch in token):
        raise ConfigError(
            f"{TOKEN_ENV} may hold only letters, digits and -_.~: "
            "make one with python3 -c 'import secrets; print(secrets.token_urlsafe())'"
        )
    if args.host not in LOOPBACK and not token and not args.open:
        raise ConfigError(
            f"refusing to listen on {args.host} without a token: set {TOKEN_ENV} "
            "(then open /?token=<token> once in a browser), or pass --open to let anyone who can reach it use it"
        )
    return token


def _app(args: argparse.Namespace, config: Config, assistant: Assistant, token: str, chat: ChatMount | None) -> Any:
    from rag.http.app import answer_slots, create_app

    if args.host not in LOOPBACK and not token and not args.worker:
        say(f"open server: listening on {args.host} without a token, anyone who can reach it can use it (--open)")
    return create_app(
        assistant,
        token=token or None,
        chat=chat,
        allowed_hosts=served_hosts(args.host, config),
        slots=answer_slots(args.workers, config.query_thread_count),  # a worker is told how many share the cores
    )


def uvicorn_server(app: Any, args: argparse.Namespace) -> Any:
    import uvicorn

    from rag.http.protocol import DeadlineH11Protocol

    options = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        server_header=False,
        timeout_keep_alive=KEEP_ALIVE_S,
        limit_concurrency=MAX_CONNECTIONS,
        http=DeadlineH11Protocol,  # slow or silent clients are cut off after HEADER_TIMEOUT_S
    )
    return uvicorn.Server(options)


def _serve_workers(args: argparse.Namespace, config: Config, has_chat: bool) -> int:
    from rag.http.workers import listen, supervise

    if has_chat:
        raise ConfigError(
            f"--workers {args.workers} serves the API alone: the chat keeps each conversation's live updates "
            'in one process. Set chat_ui = "" in rag.toml (or RAG_CHAT_UI=), or serve the chat with --workers 1'
        )
    sock = listen(args.host, args.port)
    load_assistant(args, config)  # builds the index when it is missing or stale, once, before the workers
    say(f"Starting {args.workers} worker processes …")
    argv = ["serve", "--host", args.host, "--port", str(args.port), "--workers", str(args.workers)]
    argv += ["--open"] if args.open else []
    argv += ["--project", str(config.root), "--corpus", str(config.corpus_path), "--index", str(config.index_path)]
    argv += ["--model", config.embed_model]
    where = f"the API at /api on http://{args.host}:{args.port}"
    code = supervise(
        sock, args.workers, argv, lambda: say(f"Serving {where} from {args.workers} processes  (Ctrl+C to stop)")
    )
    say("Stopped" if code == 0 else "Stopped: a worker failed")
    return code


def _serve_worker(args: argparse.Namespace, token: str) -> int:
    from rag.http.workers import announce_ready, exit_with_parent, worker_sockets

    sock, ready = worker_sockets(args.worker)
    exit_with_parent()
    # The parent passed absolute folders and already said where the project is.
    config = load_config(args.project, corpus_dir=args.corpus, index_dir=args.index, embed_model=args.model)
    assistant = load_assistant(args, config)
    assistant.ask(WARM_UP)
    app = _app(args, config, assistant, token, None)
    server = uvicorn_server(app, args)
    announce_ready(ready)
    server.run(sockets=[sock])
    return 0


def _check_free(host: str, port: int) -> None:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(infos[0][4])
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError(f"cannot listen on {host}:{port} ({reason}): choose another --port or --host") from None
