"""The conversation kept in the browser and what the copy buttons copy, on the tiny corpus."""

from __future__ import annotations

import json

import pytest

from rag import Assistant
from ui import clip, render, storage


@pytest.fixture
def answers(assistant: Assistant) -> list:  # type: ignore[type-arg]
    return [assistant.ask("When was the Action Plan released?"), assistant.ask("What is the capital of Australia?")]


def test_a_stored_conversation_comes_back_as_the_same_answers(answers: list) -> None:  # type: ignore[type-arg]
    assert answers[0].citations and answers[1].abstained
    back = storage.load(json.loads(json.dumps(storage.save(answers))))  # as localStorage holds it
    assert [a.question for a in back] == [a.question for a in answers]
    assert back[0].citations == answers[0].citations and back[0].sentences == answers[0].sentences
    assert back[1].passages == answers[1].passages[: storage.RELATED_SHOWN]
    assert back[0].confidence == answers[0].confidence and back[0].answer == answers[0].answer


@pytest.mark.parametrize(
    "mangle",
    [
        lambda d: d.update(question=7),
        lambda d: d.update(confidence="high"),
        lambda d: d.update(abstained="no"),
        lambda d: d["citations"][0].update(start="4"),
        lambda d: d["citations"][0].update(n=True),
        lambda d: d.update(sentences=[{"text": "x", "citations": ["1"]}]),
        lambda d: d.update(citations={}),
    ],
)
def test_a_mangled_stored_conversation_starts_afresh(answers: list, mangle) -> None:  # type: ignore[no-untyped-def, type-arg]
    stored = storage.save(answers)
    mangle(stored[0])
    assert storage.load(stored) == []
    assert storage.load("not a list") == [] and storage.load(None) == []


def test_only_the_latest_answers_are_kept(answers: list) -> None:  # type: ignore[type-arg]
    many = storage.save(answers * storage.MAX_SAVED)
    assert len(many) == storage.MAX_SAVED and len(storage.load(many)) == storage.MAX_SAVED


def test_an_edited_quote_is_not_shown_as_verbatim(assistant: Assistant, answers: list) -> None:  # type: ignore[type-arg]
    stored = storage.save(answers[:1])
    stored[0]["citations"][0]["quote"] = "<b>made up</b>"
    html = render.answer_html(storage.load(stored)[0], 1, assistant.documents)
    assert "0 of 1 sentences quoted verbatim" in html and "<b>made up" not in html


def test_copied_answer_holds_each_citation_source_span_and_quote(answers: list) -> None:  # type: ignore[type-arg]
    answer = answers[0]
    text, html = clip.answer_text(answer), clip.answer_html(answer)
    assert text.startswith(answer.sentences[0].text)
    for c in answer.citations:
        assert f"[{c.n}] {c.title}" in text and f"{c.source}, characters {c.start}–{c.end}" in text
        assert f"“{' '.join(c.quote.split())}”" in text and c.source in html
    assert "<ol><li>" in html and "<blockquote>" in html
    one = clip.citation_text(answer.citations[0])
    assert answer.citations[0].source in one and " ".join(answer.citations[0].quote.split()) in one
