"""Answers carry their sentences with citation numbers, and every layer shares one set of limits."""

from __future__ import annotations

import argparse

import pytest
from fastapi.testclient import TestClient

from rag import Assistant, CitationError, QuestionError
from rag.answer import compose
from rag.cli import ask as cli_ask
from rag.config import load_config
from rag.errors import ConfigError
from rag.http.app import create_app
from rag.http.models import AskRequest
from rag.limits import K_MAX, MAX_QUESTION_CHARS, MAX_SENTENCES_MAX, MODES
from rag.types import AnswerSentence

LOCAL = "http://127.0.0.1"  # the Host guard refuses TestClient's default "testserver"


def test_sentences_are_the_cited_quotes_in_order(assistant: Assistant) -> None:
    answer = assistant.ask("When was the Action Plan released?", max_sentences=3)
    assert not answer.abstained and answer.sentences
    quotes = {c.n: c.quote for c in answer.citations}
    assert [n for s in answer.sentences for n in s.citations] == [c.n for c in answer.citations]
    assert all(quotes[n] == s.text for s in answer.sentences for n in s.citations)
    assert answer.answer == compose.display_text(answer.sentences)
    data = answer.to_dict()
    assert data["sentences"] == [{"text": s.text, "citations": list(s.citations)} for s in answer.sentences]


def test_an_abstention_has_no_sentences(assistant: Assistant) -> None:
    answer = assistant.ask("zebra quantum cupcake recipe")
    assert answer.abstained and answer.sentences == () and answer.to_dict()["sentences"] == []


def test_verify_refuses_a_sentence_that_is_not_its_quote(assistant: Assistant) -> None:
    answer = assistant.ask("When was the Action Plan released?")
    bent = (AnswerSentence(answer.sentences[0].text + " Indeed.", answer.sentences[0].citations),)
    with pytest.raises(CitationError):
        compose.verify(bent, answer.citations[:1], assistant.documents)
    compose.verify(answer.sentences, answer.citations, assistant.documents)


def test_the_http_api_returns_the_sentences(assistant: Assistant) -> None:
    with TestClient(create_app(assistant), base_url=LOCAL) as client:
        body = client.post("/api/ask", json={"question": "When was the Action Plan released?"}).json()
    assert body["sentences"] and all(set(s) == {"text", "citations"} for s in body["sentences"])


@pytest.mark.parametrize(("name", "most"), [("k", K_MAX), ("max_sentences", MAX_SENTENCES_MAX)])
def test_every_layer_shares_one_ceiling(assistant: Assistant, name: str, most: int) -> None:
    assistant.ask("When was the Action Plan released?", **{name: most})  # type: ignore[arg-type]
    with pytest.raises(QuestionError, match=f"1 to {most}"):
        assistant.ask("When was the Action Plan released?", **{name: most + 1})  # type: ignore[arg-type]
    field = AskRequest.model_json_schema()["properties"][name]["anyOf"][0]
    assert (field["minimum"], field["maximum"]) == (1, most)
    parser = argparse.ArgumentParser()
    cli_ask.add_parser(parser.add_subparsers())
    flag = "--k" if name == "k" else "--max-sentences"
    assert getattr(parser.parse_args(["ask", "q", flag, str(most)]), name) == most
    with pytest.raises(SystemExit):
        parser.parse_args(["ask", "q", flag, str(most + 1)])
    with pytest.raises(ConfigError):
        load_config(**{name: most + 1})


def test_modes_and_question_length_are_shared() -> None:
    assert AskRequest.model_json_schema()["properties"]["mode"]["anyOf"][0]["enum"] == list(MODES)
    assert AskRequest.model_json_schema()["properties"]["question"]["maxLength"] == MAX_QUESTION_CHARS
    assert load_config().max_question_chars == MAX_QUESTION_CHARS


def test_the_shipped_embedders_state_every_protocol_member() -> None:
    from rag import Embedder, HashingEmbedder, OnnxEmbedder, SentenceTransformerEmbedder

    fake = HashingEmbedder(64)
    assert isinstance(fake, Embedder)
    assert (fake.model_id, fake.dimension, fake.max_tokens, fake.count_tokens("two words")) == (
        "hashing-64",
        64,
        512,
        2,
    )
    assert fake.embed(["a text"]).shape == (1, 64)
    for cls in (
        OnnxEmbedder,
        SentenceTransformerEmbedder,
    ):  # members a class states (model_id and ONNX dimension are set per instance)
        assert all(
            callable(getattr(cls, m, None)) or isinstance(getattr(cls, m, None), property)
            for m in ("max_tokens", "count_tokens", "embed")
        ), cls
