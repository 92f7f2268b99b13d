"""`rag serve` as a real process: the JSON API over HTTP and the chat's endpoint through gradio_client."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from rag.cli import main
from tests.conftest import REPO, TINY, write_corpus
from tests.serving import free_port, live_server

TOKEN = "live-token_42"


def tiny_project(root: Path) -> Path:
    write_corpus(root / "corpus", TINY)
    (root / "rag.toml").write_text("[rag]\nchunk_tokens = 24\nchunk_overlap = 4\nabstain_threshold = 0.3\n")
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    project = tiny_project(tmp_path_factory.mktemp("live"))
    with live_server(project, {"RAG_EMBED_MODEL": "hashing-256"}) as url:
        yield url, project


def test_curl_style_request_returns_cited_json(server: tuple[str, Path]) -> None:
    url, project = server
    r = httpx.post(
        f"{url}/api/ask",
        content='{"question": "When was the Action Plan released?"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 200
    c = r.json()["citations"][0]
    assert (project / c["source"]).read_text(encoding="utf-8")[c["start"] : c["end"]] == c["quote"]


def test_gradio_client_calls_the_chat_endpoint(server: tuple[str, Path]) -> None:
    url, project = server
    client = Client(url, analytics_enabled=False, verbose=False)
    data = client.predict("When was the Action Plan released?", api_name="/ask")
    assert "July 26, 2025" in data["answer"] and data["citations"]
    c = data["citations"][0]
    assert (project / c["source"]).read_text(encoding="utf-8")[c["start"] : c["end"]] == c["quote"]
    follow = client.predict(
        "and what do critics say?", [["What does the plan say about the Global South?", ""]], 3, api_name="/ask"
    )
    assert "Global South" in follow["retrieval_query"] and len(follow["passages"]) == 3


def test_readme_gradio_client_snippet_runs(server: tuple[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    snippet = next(b for b in re.findall(r"```python\n(.*?)```", readme, flags=re.S) if "gradio_client" in b)
    assert "analytics_enabled=False" in snippet
    exec(snippet.replace("http://127.0.0.1:7860", server[0]), {})
    printed = capsys.readouterr().out.strip()
    assert printed.endswith("]") and len(printed) > 20  # the answer, then the list of quotes


def test_readme_endpoints_are_the_served_ones(server: tuple[str, Path]) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`(?:GET|POST) (/api/[^` ]+)", readme))
    assert listed == set(httpx.get(f"{server[0]}/openapi.json").json()["paths"])


def test_gradio_client_gets_a_clear_error_for_a_bad_question(server: tuple[str, Path]) -> None:
    client = Client(server[0], analytics_enabled=False, verbose=False)
    with pytest.raises(Exception, match="the question is empty"):
        client.predict("   ", api_name="/ask")


def test_token_is_required_by_api_and_chat_when_set(tmp_path: Path) -> None:
    with live_server(tiny_project(tmp_path), {"RAG_EMBED_MODEL": "hashing-256", "RAG_API_TOKEN": TOKEN}) as url:
        assert httpx.get(f"{url}/api/health").status_code == 401
        assert httpx.get(f"{url}/").status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert httpx.get(f"{url}/api/health", headers=auth).status_code == 200
        client = Client(url, analytics_enabled=False, verbose=False, headers=auth)
        assert client.predict("When was the Action Plan released?", api_name="/ask")["citations"]
        from gradio_client.exceptions import AuthenticationError

        with pytest.raises(AuthenticationError, match="credentials were not provided"):
            Client(url, analytics_enabled=False, verbose=False)


def test_server_listens_on_127_0_0_1_only(server: tuple[str, Path]) -> None:
    port = int(server[0].rsplit(":", 1)[1])
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
    # Bound to 0.0.0.0 it would answer on any address; bound to 127.0.0.1 even 127.0.0.2 is refused.
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.2", port), timeout=5).close()


@pytest.mark.parametrize(
    ("question", "refusal"),
    [("", "empty"), ("x" * 100_000, "keep it under 2000"), ("\x00\x00", "empty")],
)
def test_gradio_client_gets_a_one_line_refusal(server: tuple[str, Path], question: str, refusal: str) -> None:
    client = Client(server[0], analytics_enabled=False, verbose=False)
    with pytest.raises(Exception, match=refusal) as info:  # gradio_client's AppError, with the server's message
        client.predict(question, api_name="/ask")
    assert "\n" not in str(info.value) and "Traceback" not in str(info.value)


@pytest.mark.parametrize("question", ["行动计划什么时候发布？🤖", "?!?!...,,,;;;", "<script>alert(1)</script> plan"])
def test_gradio_client_gets_an_answer_or_abstention_for_odd_questions(server: tuple[str, Path], question: str) -> None:
    data = Client(server[0], analytics_enabled=False, verbose=False).predict(question, api_name="/ask")
    assert data["abstained"] or data["citations"]
    for c in data["citations"]:
        assert (server[1] / c["source"]).read_text(encoding="utf-8")[c["start"] : c["end"]] == c["quote"]


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_serve_rejects_a_bad_port(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", port]) == 2
    assert "port" in capsys.readouterr().err.strip().splitlines()[-1]


def test_serve_reports_a_busy_port_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))
        s.listen()
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"cannot listen on 127.0.0.1:{port}" in err[0] and "--port" in err[0]


def test_slow_and_silent_clients_are_cut_off_while_health_stays_fast(server: tuple[str, Path]) -> None:
    """30 clients trickling a header line a second and 30 that send nothing are all dropped after the
    header deadline; meanwhile /api/health keeps answering at once."""
    import socket
    import time
    from urllib.parse import urlparse

    from rag.http.protocol import HEADER_TIMEOUT_S

    url = server[0]
    address = (urlparse(url).hostname or "127.0.0.1", urlparse(url).port or 80)
    trickling = [socket.create_connection(address) for _ in range(30)]
    silent = [socket.create_connection(address) for _ in range(30)]
    for s in trickling:
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    for s in trickling + silent:
        s.settimeout(0.05)
    started, closed, slowest_health = time.monotonic(), set(), 0.0
    while len(closed) < 60 and time.monotonic() - started < HEADER_TIMEOUT_S + 8:
        t = time.monotonic()
        assert httpx.get(f"{url}/api/health", timeout=5).status_code == 200
        slowest_health = max(slowest_health, time.monotonic() - t)
        for i, s in enumerate(trickling + silent):
            if i in closed:
                continue
            try:
                if i < 30:
                    s.sendall(b"X-Slow: 1\r\n")
                if s.recv(1) == b"":
                    closed.add(i)
            except (TimeoutError, BlockingIOError):
                pass
            except OSError:
                closed.add(i)
        time.sleep(1)
    elapsed = time.monotonic() - started
    for s in trickling + silent:
        s.close()
    assert len(closed) == 60, f"{60 - len(closed)} slow or silent connections still open after {elapsed:.0f} s"
    assert HEADER_TIMEOUT_S - 1 <= elapsed <= HEADER_TIMEOUT_S + 8
    assert slowest_health < 3.0, slowest_health  # never held up by the slow sockets (10 s)
