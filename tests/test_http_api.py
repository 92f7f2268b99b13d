"""The JSON API through FastAPI's TestClient, on the tiny inline corpus (hashing embedder)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rag import Answer, Assistant, Citation, IndexCorruptError, Passage
from rag.http.app import create_app
from tests.conftest import tiny_assistant
from ui.app import mount

LOCAL = "http://127.0.0.1"  # the Host guard refuses TestClient's default "testserver"

QUESTION = "When was the Action Plan released?"


@pytest.fixture(scope="module")
def shared_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return tiny_assistant(tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="module")
def client(shared_assistant: Assistant) -> Iterator[TestClient]:
    with TestClient(create_app(shared_assistant, chat=mount), base_url=LOCAL) as c:
        yield c


def test_ask_returns_exactly_the_answer_json(client: TestClient, shared_assistant: Assistant) -> None:
    r = client.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 200
    data = r.json()
    expected = shared_assistant.ask(QUESTION).to_dict()
    assert set(data) == set(expected)
    assert {k: v for k, v in data.items() if k != "timings_ms"} == {
        k: v for k, v in expected.items() if k != "timings_ms"
    }
    c = data["citations"][0]
    assert "July 26, 2025" in c["quote"]
    assert shared_assistant.documents[c["doc_id"]].text[c["start"] : c["end"]] == c["quote"]


@pytest.mark.parametrize("cls", [Answer, Citation, Passage])
def test_openapi_schema_is_the_dataclass(client: TestClient, cls: type) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"][cls.__name__]
    assert list(schema["properties"]) == [f.name for f in dataclasses.fields(cls)]


def test_history_makes_a_follow_up_about_the_earlier_question(client: TestClient) -> None:
    first = client.post("/api/ask", json={"question": "What does the plan say about the Global South?"}).json()
    follow = client.post(
        "/api/ask",
        json={
            "question": "and what do critics say?",
            "history": [{"question": first["question"], "answer": first["answer"]}],
        },
    ).json()
    alone = client.post("/api/ask", json={"question": "and what do critics say?"}).json()
    assert "Global South" in follow["retrieval_query"]
    assert "Global South" not in alone["retrieval_query"]


def test_k_mode_and_length_are_honoured(client: TestClient) -> None:
    data = client.post("/api/ask", json={"question": QUESTION, "k": 2, "mode": "bm25", "max_sentences": 1}).json()
    assert len(data["passages"]) == 2
    assert len(data["citations"]) == 1


def test_out_of_scope_question_abstains(client: TestClient) -> None:
    data = client.post("/api/ask", json={"question": "zebra cupcake quantum saxophone"}).json()
    assert data["abstained"] is True and data["citations"] == [] and data["passages"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"question": ""}, "question: String should have at least 1 character"),
        ({"question": "x" * 2001}, "question: String should have at most 2000 characters"),
        ({"question": "   \t  "}, "the question is empty"),
        ({"question": QUESTION, "k": 0}, "k: Input should be greater than or equal to 1"),
        ({"question": QUESTION, "k": "many"}, "k: Input should be a valid integer"),
        ({"question": QUESTION, "mode": "magic"}, "mode: Input should be 'hybrid', 'dense' or 'bm25'"),
        ({"question": QUESTION, "colour": "red"}, "colour: Extra inputs are not permitted"),
        ({"question": QUESTION, "history": [{"answer": "a"}]}, "history.0.question: Field required"),
        ({}, "question: Field required"),
        ([1, 2], "Input should be a valid dictionary"),
    ],
)
def test_invalid_requests_are_422_with_a_clear_message(client: TestClient, body: object, needle: str) -> None:
    r = client.post("/api/ask", json=body)
    assert r.status_code == 422
    assert needle in r.json()["detail"]


def test_malformed_json_is_422(client: TestClient) -> None:
    r = client.post("/api/ask", content=b'{"question": ', headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert "not valid JSON" in r.json()["detail"]


def test_oversized_body_is_413_with_or_without_a_length(client: TestClient) -> None:
    big = b'{"question": "' + b"a" * 70_000 + b'"}'
    r = client.post("/api/ask", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "larger than 65536 bytes" in r.json()["detail"]
    chunked = client.post(
        "/api/ask",
        content=(big[i : i + 8192] for i in range(0, len(big), 8192)),
        headers={"content-type": "application/json"},
    )
    assert chunked.status_code == 413


def test_documents_list_and_detail(client: TestClient, shared_assistant: Assistant) -> None:
    listed = client.get("/api/documents").json()
    assert {d["doc_id"] for d in listed} == set(shared_assistant.documents)
    doc_id = listed[0]["doc_id"]
    detail = client.get(f"/api/documents/{doc_id}").json()
    doc = shared_assistant.documents[doc_id]
    assert detail["text"] == doc.text and detail["title"] == doc.meta.title and detail["chars"] == len(doc.text)


@pytest.mark.parametrize("doc_id", ["nope", "plan%00", "x" * 300])
def test_unknown_document_is_404_with_a_clear_message(client: TestClient, doc_id: str) -> None:
    r = client.get(f"/api/documents/{doc_id}")
    assert r.status_code == 404
    assert "no document with id" in r.json()["detail"] and "GET /api/documents" in r.json()["detail"]
    assert len(r.json()["detail"]) < 200


def test_path_traversal_finds_nothing(client: TestClient) -> None:
    r = client.get("/api/documents/..%2F..%2Fetc%2Fpasswd")
    assert r.status_code == 404 and r.headers["content-type"] == "application/json" and "root:" not in r.text


def test_health(client: TestClient, shared_assistant: Assistant) -> None:
    data = client.get("/api/health").json()
    assert data["status"] == "ok" and data["model"] == "hashing-256"
    assert data["documents"] == len(shared_assistant.documents) and data["chunks"] == len(shared_assistant.data.chunks)


def test_openapi_has_typed_models(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ask = spec["paths"]["/api/ask"]["post"]
    assert ask["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/AskRequest")
    assert ask["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Answer")
    assert {"/api/documents", "/api/documents/{doc_id}", "/api/health"} <= set(spec["paths"])
    assert spec["components"]["schemas"]["AskRequest"]["properties"]["question"]["maxLength"] == 2000


def test_unknown_api_path_is_json_404_not_the_chat_page(client: TestClient) -> None:
    r = client.get("/api/nothing")
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"


def test_chat_page_is_served_at_root(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]


@pytest.mark.parametrize(
    "error", [RuntimeError("boom at /srv/secret/index.faiss"), IndexCorruptError("/srv/secret bad")]
)
def test_errors_do_not_leak_tracebacks_or_paths(
    shared_assistant: Assistant, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise error

    app = create_app(shared_assistant)
    monkeypatch.setattr(shared_assistant, "ask", fail)
    r = TestClient(app, base_url=LOCAL, raise_server_exceptions=False).post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 500
    assert "/srv/secret" not in r.text and "Traceback" not in r.text and "server log" in r.json()["detail"]


def test_concurrent_requests_share_one_assistant(client: TestClient) -> None:
    results: list[int] = []
    answers: list[str] = []

    def call() -> None:
        r = client.post("/api/ask", json={"question": QUESTION})
        results.append(r.status_code)
        answers.append(r.json()["answer"])

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 8 and len(set(answers)) == 1


TOKEN = "s3cret-token_1"


@pytest.fixture
def guarded(shared_assistant: Assistant) -> Iterator[TestClient]:
    with TestClient(create_app(shared_assistant, token=TOKEN, chat=mount), base_url=LOCAL, follow_redirects=False) as c:
        yield c


class TestToken:
    @pytest.mark.parametrize(
        ("method", "path"), [("GET", "/api/health"), ("POST", "/api/ask"), ("GET", "/"), ("GET", "/config")]
    )
    def test_every_request_needs_the_token(self, guarded: TestClient, method: str, path: str) -> None:
        r = guarded.request(method, path, json={"question": QUESTION})
        assert r.status_code == 401 and "Bearer" in r.json()["detail"]
        wrong = guarded.request(method, path, json={"question": QUESTION}, headers={"authorization": "Bearer nope"})
        assert wrong.status_code == 401

    def test_bearer_token_is_accepted(self, guarded: TestClient) -> None:
        auth = {"authorization": f"Bearer {TOKEN}"}
        assert guarded.get("/api/health", headers=auth).status_code == 200
        assert guarded.post("/api/ask", json={"question": QUESTION}, headers=auth).json()["citations"]

    def test_browser_gets_a_cookie_from_the_token_link(self, guarded: TestClient) -> None:
        r = guarded.get(f"/?token={TOKEN}")
        assert r.status_code == 303 and r.headers["location"] == "/"
        assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=Strict" in r.headers["set-cookie"]
        with TestClient(guarded.app, base_url=LOCAL, cookies={"rag_token": TOKEN}) as browser:
            assert browser.get("/").status_code == 200
        with TestClient(guarded.app, base_url=LOCAL, follow_redirects=False) as stranger:
            assert stranger.get("/?token=wrong").status_code == 401
        with TestClient(guarded.app, base_url=LOCAL, cookies={"rag_token": "wrong"}) as forger:
            assert forger.get("/").status_code == 401


def test_project_paths_stay_out_of_document_listing(client: TestClient, shared_assistant: Assistant) -> None:
    root = str(Path(shared_assistant.config.root))
    assert root not in client.get("/api/documents").text
    assert root not in client.get("/api/health").text


def test_questions_beyond_the_answer_slots_wait_for_a_turn(
    shared_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most `slots` questions are answered at once; the rest wait instead of crowding the cores."""
    import time

    from rag.http.app import answer_slots

    running, most = 0, 0
    guard = threading.Lock()
    real = shared_assistant.ask

    def slow(*args, **options):  # type: ignore[no-untyped-def]
        nonlocal running, most
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with guard:
            running -= 1
        return real(*args, **options)

    monkeypatch.setattr(shared_assistant, "ask", slow)
    codes: list[int] = []
    with TestClient(create_app(shared_assistant, slots=2), base_url=LOCAL) as c:
        threads = [
            threading.Thread(target=lambda: codes.append(c.post("/api/ask", json={"question": QUESTION}).status_code))
            for _ in range(6)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert codes == [200] * 6 and most == 2
    assert answer_slots(1) >= answer_slots(2) >= 1 and answer_slots(64) == 1
