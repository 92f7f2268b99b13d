"""Anything pasted into POST /api/ask, the chat box or the chat's /ask endpoint gets an answer, an
abstention or a one-line refusal (HTTP 422/413, a toast in the page, gr.Error for clients): never a
traceback, never a citation that is not verbatim."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import gradio as gr
import pytest
from fastapi.testclient import TestClient

from rag.http.app import create_app
from rag.http.shared import SharedAssistant
from tests.conftest import tiny_assistant
from tests.test_bad_input import ODD_QUESTIONS
from ui.app import Chat, mount

LOCAL = "http://127.0.0.1"  # the Host guard refuses TestClient's default "testserver"

# Questions that are refused by every front end, with the words the refusal must contain.
REFUSED = [("", "empty"), ("   \t\n ", "empty"), ("\x00\x00\x07", "empty"), ("x" * 100_000, "2000")]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> SharedAssistant:
    return SharedAssistant(tiny_assistant(tmp_path_factory.mktemp("served")))


@pytest.fixture(scope="module")
def client(shared: SharedAssistant) -> Iterator[TestClient]:
    with TestClient(create_app(shared.assistant), base_url=LOCAL, raise_server_exceptions=False) as c:
        yield c


def assert_verbatim(shared: SharedAssistant, citations: list[dict[str, Any]]) -> None:
    for c in citations:
        assert shared.documents[c["doc_id"]].text[c["start"] : c["end"]] == c["quote"]


def assert_one_line_refusal(status: int, body: str) -> str:
    assert status in (413, 422), body
    detail = json.loads(body)["detail"]
    assert isinstance(detail, str) and "\n" not in detail and "Traceback" not in detail and len(detail) < 300
    return detail


@pytest.mark.parametrize("question", ODD_QUESTIONS)
def test_api_answers_or_abstains_on_odd_questions(client: TestClient, shared: SharedAssistant, question: str) -> None:
    r = client.post("/api/ask", json={"question": question})
    assert r.status_code == 200, r.text
    data = r.json()
    assert "\x00" not in data["question"] and (data["abstained"] or data["citations"])
    assert_verbatim(shared, data["citations"])


def test_api_injection_gets_nothing_that_is_not_in_the_documents(client: TestClient) -> None:
    data = client.post("/api/ask", json={"question": ODD_QUESTIONS[3]}).json()
    assert "bans open source" not in data["answer"] and "system prompt" not in data["answer"]


@pytest.mark.parametrize(("question", "needle"), REFUSED)
def test_api_refuses_unusable_questions_in_one_line(client: TestClient, question: str, needle: str) -> None:
    r = client.post("/api/ask", json={"question": question})
    detail = assert_one_line_refusal(r.status_code, r.text)
    # "" fails the schema (at least 1 character); 100,000 characters is over the 64 KiB body limit
    # before it is over the question limit
    assert needle in detail or "at least 1 character" in detail or (r.status_code == 413 and "larger than" in detail)


@pytest.mark.parametrize(
    "body",
    [
        b'{"question": "\xff\xfe open source"}',
        b'{"question": "open \xc3\x28 source"}',
        b"\xef\xbb\xbf\xff",
        b'{"question": "\xed\xa0\x80"}',  # a UTF-16 surrogate encoded as UTF-8: not valid UTF-8
    ],
)
def test_api_refuses_invalid_utf8_bodies_with_422(client: TestClient, body: bytes) -> None:
    r = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    detail = assert_one_line_refusal(r.status_code, r.text)
    assert r.status_code == 422 and any(w in detail for w in ("UTF-8", "not valid JSON", "unicode string"))


def test_api_explains_a_body_that_is_not_a_json_object(client: TestClient) -> None:
    for body, kind in [(b"plain words", "text/plain"), (b'"a string"', "application/json"), (b"null", "")]:
        r = client.post("/api/ask", content=body, headers={"content-type": kind} if kind else {})
        detail = assert_one_line_refusal(r.status_code, r.text)
        assert '{"question": "..."}' in detail


@pytest.fixture
def chat(shared: SharedAssistant) -> Chat:
    return Chat(shared)


@pytest.mark.parametrize("question", ODD_QUESTIONS)
def test_chat_box_answers_or_abstains_on_odd_questions(chat: Chat, shared: SharedAssistant, question: str) -> None:
    box, messages, answers, panel = chat.respond(question, [], [], 5, 4, "hybrid")
    assert box == "" and len(messages) == 2 and len(answers) == 1 and isinstance(panel, str)
    answer: dict[str, Any] = answers[0]  # the JSON form the browser keeps
    assert_verbatim(shared, answer["citations"])
    if "<script>" in question:  # the question is shown, escaped, in the user's bubble
        assert "<script>" not in messages[0]["content"] and "&lt;script&gt;" in messages[0]["content"]


@pytest.mark.parametrize(("question", "needle"), REFUSED)
def test_chat_box_refuses_with_a_toast_and_keeps_the_question(chat: Chat, question: str, needle: str) -> None:
    with pytest.warns(UserWarning, match=needle):
        box, messages, answers, panel = chat.respond(question, [], [], 5, 4, "hybrid")
    assert box == question and messages == []
    assert isinstance(answers, type(gr.skip())) and isinstance(panel, type(gr.skip()))


@pytest.mark.parametrize("question", ODD_QUESTIONS)
def test_chat_endpoint_answers_or_abstains_on_odd_questions(chat: Chat, shared: SharedAssistant, question: str) -> None:
    data = chat.api_ask(question)
    assert data["abstained"] or data["citations"]
    assert_verbatim(shared, data["citations"])


@pytest.mark.parametrize(("question", "needle"), [*REFUSED, (None, "must be text"), (5, "must be text")])
def test_chat_endpoint_refuses_with_a_one_line_error(chat: Chat, question: Any, needle: str) -> None:
    with pytest.raises(gr.Error, match=needle) as info:
        chat.api_ask(question)
    assert "\n" not in str(info.value.message)


@pytest.mark.parametrize(
    ("history", "k", "needle"),
    [
        ("not a list", None, "history must be a list"),
        ([5], None, "history must be a list"),
        ([["q", "a", "extra"]], None, "history must be a list"),
        ([[None, "a"]], None, "history must be a list"),
        ([["q" * 2001, ""]], None, "history must be a list"),
        ([["q", "a"]] * 21, None, "history must be a list"),
        (None, 2.5, "k=2.5 is not a whole number"),
        (None, "3", "is not a whole number"),
        (None, True, "is not a whole number"),
        (None, 0, "is not a whole number"),
        (None, float("inf"), "is not a whole number"),
        (None, float("nan"), "is not a whole number"),
    ],
)
def test_chat_endpoint_refuses_bad_history_and_k(chat: Chat, history: Any, k: Any, needle: str) -> None:
    with pytest.raises(gr.Error, match=needle):
        chat.api_ask("When was the Action Plan released?", history, k)


def test_chat_endpoint_accepts_whole_float_k_and_single_item_turns(chat: Chat) -> None:
    data = chat.api_ask("and when was it released?", [["What is the Action Plan?"]], 3.0)
    assert len(data["passages"]) == 3 and "Action Plan" in data["retrieval_query"]


@pytest.mark.parametrize("options", [{"k": True}, {"k": "3"}, {"k": 2.5}, {"max_sentences": True}, {"k": [3]}])
def test_api_refuses_numbers_that_are_not_integers(client: TestClient, options: dict[str, Any]) -> None:
    r = client.post("/api/ask", json={"question": "When was the Action Plan released?", **options})
    detail = assert_one_line_refusal(r.status_code, r.text)
    assert r.status_code == 422 and "valid integer" in detail


@pytest.mark.parametrize("path", ["/gradio_api/call/ask", "/gradio_api/queue/join"])
def test_chat_endpoints_refuse_invalid_utf8_in_one_line(shared: SharedAssistant, path: str) -> None:
    with TestClient(
        create_app(shared.assistant, chat=mount), base_url=LOCAL, raise_server_exceptions=False
    ) as chat_client:
        r = chat_client.post(path, content=b'{"data": ["\xff\xfe plan"]}', headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500  # Gradio's own route: its 400 "There was an error parsing the body"
    detail = r.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail and "Traceback" not in detail
