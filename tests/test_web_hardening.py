"""The server as a trusted local web app: Host allow-list, security headers, HEAD, 405, protocol
details (issue 14). Each of these failed on the code before the change."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from rag import Assistant
from rag.cli import main
from rag.http.app import create_app
from ui.app import mount

LOCAL = "http://127.0.0.1"
TOKEN = "s3cret-token"
HEADERS = {"x-frame-options": "DENY", "x-content-type-options": "nosniff"}


@pytest.fixture
def client(assistant: Assistant):  # type: ignore[no-untyped-def]
    with TestClient(create_app(assistant, chat=mount, allowed_hosts=("rag.example",)), base_url=LOCAL) as c:
        yield c


@pytest.mark.parametrize("path", ["/api/documents", "/api/health", "/config", "/"])
def test_a_foreign_host_is_refused_everywhere(client: TestClient, path: str) -> None:
    r = client.get(path, headers={"host": "evil.example"})
    assert r.status_code == 421 and "evil.example" in r.json()["detail"]
    assert "evil.example" not in r.text.replace(r.json()["detail"], "")


@pytest.mark.parametrize("host", ["127.0.0.1:7860", "localhost", "LOCALHOST:80", "[::1]:7860", "rag.example:8000"])
def test_this_machine_and_configured_hosts_are_served(client: TestClient, host: str) -> None:
    assert client.get("/api/health", headers={"host": host}).status_code == 200


def test_the_chat_config_never_echoes_a_foreign_root(client: TestClient) -> None:
    assert client.get("/config", headers={"host": "evil.example:7860"}).status_code == 421
    assert "evil.example" not in client.get("/config").text


@pytest.mark.parametrize("path", ["/api/health", "/api/nope", "/", "/config"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    r = client.get(path)
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, (path, name)
    assert "frame-ancestors 'none'" in r.headers.get("content-security-policy", "")
    refused = client.get(path, headers={"host": "evil.example"})
    assert refused.headers.get("x-frame-options") == "DENY"


def test_head_works_wherever_get_does(client: TestClient) -> None:
    for path in ("/api/health", "/api/documents", "/"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"" and head.headers.get("content-length") == get.headers.get("content-length")


def test_a_wrong_method_is_405_with_allow(client: TestClient) -> None:
    r = client.get("/api/ask")
    assert r.status_code == 405 and r.headers["allow"] == "POST" and "POST" in r.json()["detail"]
    assert client.delete("/api/health").headers.get("allow") == "GET"
    assert client.get("/api/nope").status_code == 404


def test_deeply_nested_json_is_named_as_such(client: TestClient) -> None:
    body = ("[" * 30000 + "]" * 30000).encode()
    r = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422  # 60 kB: under the body limit, so the parser saw it
    assert (
        "nested too deeply" in r.json()["detail"] and "UTF-8" not in r.json()["detail"]
    )  # 60 kB: under the body limit, so the parser saw it
    deep = b'{"question": "q", "history": ' + b"[" * 2000 + b"]" * 2000 + b"}"
    r = client.post("/api/ask", content=deep, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "nested too deeply" in r.json()["detail"]
    shallow = json.dumps({"question": "q", "history": [[]]}).encode()
    assert "nested" not in client.post("/api/ask", content=shallow, headers={"content-type": "application/json"}).text


def test_the_bearer_scheme_is_case_insensitive_and_redirects_stay_on_site(assistant: Assistant) -> None:
    app = create_app(assistant, token=TOKEN)
    with TestClient(app, base_url=LOCAL, follow_redirects=False) as c:
        for scheme in ("Bearer", "bearer", "BEARER"):
            assert c.get("/api/health", headers={"authorization": f"{scheme} {TOKEN}"}).status_code == 200
        assert c.get("/api/health", headers={"authorization": f"Basic {TOKEN}"}).status_code == 401
        assert c.get(f"/api/health?token={TOKEN}&a=1").headers["location"] == "/api/health?a=1"
    # An HTTP client normalises "//evil.example/x" away, so the raw path goes to the guard directly.
    for raw in ("//evil.example/x", "/\\evil.example/x", "///evil.example/x"):
        assert _redirect_for(raw) == "/evil.example/x", raw


def _redirect_for(path: str) -> str:
    import asyncio

    from rag.http.guard import TokenGuard

    sent: list[dict] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        raise AssertionError("the guard must answer a token link itself")

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "query_string": f"token={TOKEN}".encode(), "headers": []}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:  # a thread of its own: another test's event loop may be running here
        pool.submit(asyncio.run, TokenGuard(app, TOKEN)(scope, receive, send)).result()
    assert sent[0]["status"] == 303
    return dict(sent[0]["headers"])[b"location"].decode()


def test_serving_beyond_loopback_needs_a_token_or_open(cli_project, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "without a token" in err and "--open" in err and "Traceback" not in err


def test_the_served_host_names_follow_the_bind_address(config) -> None:  # type: ignore[no-untyped-def]
    import socket

    from rag.cli.serve import served_hosts

    named = config.with_overrides(allowed_hosts="rag.example, docs.lan")
    assert served_hosts("127.0.0.1", named) == ("rag.example", "docs.lan", "127.0.0.1")
    everywhere = served_hosts("0.0.0.0", config)
    assert socket.gethostname() in everywhere and "0.0.0.0" not in everywhere
