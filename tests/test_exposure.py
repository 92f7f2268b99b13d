"""What the server exposes: with a token set, every route of the app (API, schema, chat page, Gradio's
queue, upload, file and websocket routes) refuses a request without it; error bodies from the API and
from Gradio's own routes carry no traceback and no server path."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.websockets import WebSocketDisconnect

from rag import Assistant
from rag.http.app import create_app
from tests.conftest import tiny_assistant
from ui.app import mount

LOCAL = "http://127.0.0.1"  # the Host guard refuses TestClient's default "testserver"

TOKEN = "exposure-token_9"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return tiny_assistant(tmp_path_factory.mktemp("exposure"))


def walk(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, set[str] | None]]:
    """(path with parameters filled in, HTTP methods or None for a websocket) of every route, mounts included."""
    for route in routes:
        if isinstance(route, Mount):
            yield from walk(route.routes, prefix + route.path)
        elif hasattr(route, "original_router"):  # FastAPI >= 0.16x keeps an included router as one route
            yield from walk(route.original_router.routes, prefix + route.include_context.prefix)
        elif isinstance(route, Route | WebSocketRoute):
            path = re.sub(r"\{[^}]+\}", "x", prefix + route.path)
            yield path, (set(route.methods or ()) - {"HEAD"}) if isinstance(route, Route) else None


def test_every_route_refuses_a_request_without_the_token(assistant: Assistant) -> None:
    app = create_app(assistant, token=TOKEN, chat=mount)
    routes = list(walk(app.router.routes))
    paths = {p for p, _ in routes}
    # the walk really reaches Gradio's routes, not just ours
    assert {"/api/ask", "/openapi.json", "/config", "/gradio_api/queue/join", "/gradio_api/upload"} <= paths
    assert any(p.startswith("/gradio_api/file=") for p in paths)
    routes.append(("/gradio_api/ws", None))  # Gradio 6 has no websocket route, but a guard must close one
    with TestClient(app, base_url=LOCAL, follow_redirects=False) as client:
        for path, methods in routes:
            if methods is None:
                with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(path):
                    pass
                assert closed.value.code == 1008, path
                continue
            for method in sorted(methods):
                r = client.request(method, path, content=b"{}", headers={"content-type": "application/json"})
                assert r.status_code == 401, f"{method} {path} -> {r.status_code}"
                forged = client.request(method, path, headers={"authorization": f"Bearer {TOKEN}x"})
                assert forged.status_code == 401, f"{method} {path} with a wrong token -> {forged.status_code}"
        assert client.get("/openapi.json", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200


# Requests that make Gradio's own routes fail: unknown endpoints, bad bodies, files outside its folders.
GRADIO_ERRORS: list[tuple[str, str, Any]] = [
    ("POST", "/gradio_api/queue/join", {"data": [1], "fn_index": 999, "session_hash": "x"}),
    ("POST", "/gradio_api/queue/join", b"{garbage"),
    ("POST", "/gradio_api/call/nothing", {"data": []}),
    ("POST", "/gradio_api/call/ask", {"data": 5}),
    ("POST", "/gradio_api/run/predict", {"data": []}),
    ("POST", "/gradio_api/upload", b"not a form"),
    ("GET", "/gradio_api/file=/etc/passwd", None),
    ("GET", "/gradio_api/file=../../../etc/passwd", None),
    ("GET", "/gradio_api/queue/data?session_hash=nobody", None),
    ("GET", "/gradio_api/call/ask/no-such-event", None),
    ("GET", "/nothing/here", None),
]


@pytest.mark.parametrize(("method", "path", "body"), GRADIO_ERRORS)
def test_gradio_error_bodies_hold_no_traceback_or_server_path(
    assistant: Assistant, method: str, path: str, body: Any
) -> None:
    with TestClient(create_app(assistant, chat=mount), base_url=LOCAL, raise_server_exceptions=False) as client:
        kwargs: dict[str, Any] = {"json": body} if isinstance(body, dict) else {"content": body}
        r = client.request(method, path, **kwargs)
    leaks = [
        "Traceback",
        'File "',
        str(Path(assistant.config.root)),
        str(Path(__file__).resolve().parent.parent),
        sys.prefix,
        "site-packages",
    ]
    assert not [leak for leak in leaks if leak in r.text], r.text[:500]
    if "file=" in path:  # a traversal must be refused, not merely free of tracebacks
        assert r.status_code in (403, 404) and "root:" not in r.text, (path, r.status_code)


def test_serve_listens_on_loopback_by_default() -> None:
    import argparse

    from rag.cli.serve import add_parser

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    assert parser.parse_args(["serve"]).host == "127.0.0.1"


BOGUS_GRADIO = [
    ("POST", "/gradio_api/call/nope", {"data": []}),
    ("POST", "/gradio_api/run/nope", {"data": []}),
    ("POST", "/gradio_api/api/nope", {"data": []}),
    ("GET", "/gradio_api/call/nope/some-event", None),
    ("POST", "/gradio_api/queue/join", {"fn_index": 999, "data": [], "session_hash": "x"}),
]


@pytest.mark.parametrize(("method", "path", "body"), BOGUS_GRADIO)
def test_bogus_gradio_requests_get_a_one_line_4xx(assistant: Assistant, method: str, path: str, body: Any) -> None:
    with TestClient(create_app(assistant, chat=mount), base_url=LOCAL, raise_server_exceptions=False) as client:
        r = client.request(method, path, json=body) if body is not None else client.request(method, path)
        assert r.status_code == 404, (path, r.status_code, r.text[:200])
        assert "\n" not in r.text and r.json()["detail"]
        ok = client.post("/gradio_api/call/ask", json={"data": ["When was the plan released?", [], 5, 4, "hybrid"]})
        assert ok.status_code == 200 and ok.json()["event_id"]  # real endpoints still work
