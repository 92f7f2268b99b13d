"""The chat's event handlers, called directly (no browser) on the tiny corpus."""

from __future__ import annotations

import gradio as gr
import pytest

from rag import Assistant
from rag.http.shared import SharedAssistant
from ui.app import Chat, build_blocks, history_turns, message_text


@pytest.fixture
def chat(assistant: Assistant) -> Chat:
    return Chat(SharedAssistant(assistant))


def ask(chat: Chat, question: str, messages: list, answers: list) -> tuple:  # type: ignore[type-arg]
    return chat.respond(question, messages, answers, 5, 4, "hybrid")


def test_answer_adds_both_messages_and_its_sources(chat: Chat) -> None:
    box, messages, answers, panel = ask(chat, "When was the Action Plan released?", [], [])
    assert box == "" and [m["role"] for m in messages] == ["user", "assistant"]
    assert 'href="#rag-hl-1-1"' in messages[1]["content"] and 'id="rag-hl-1-1"' in panel
    assert "sentences quoted verbatim" in messages[1]["content"]
    assert len(answers) == 1 and not answers[0]["abstained"]  # the JSON form, kept in the browser


def test_follow_up_uses_the_conversation(chat: Chat) -> None:
    _, messages, answers, _ = ask(chat, "What does the plan say about the Global South?", [], [])
    _, messages, answers, panel = ask(chat, "and what do critics say?", messages, answers)
    assert "Global South" in answers[1]["retrieval_query"]
    assert len(messages) == 4 and 'id="rag-turn-2"' in panel and 'id="rag-turn-1"' in panel


def test_settings_reach_the_engine(chat: Chat) -> None:
    _, _, answers, _ = chat.respond("When was the Action Plan released?", [], [], 2, 1, "bm25")
    assert len(answers[0]["citations"]) == 1


def test_bad_question_keeps_the_input_and_changes_nothing(chat: Chat) -> None:
    long_question = "plan " * 500
    with pytest.warns(UserWarning, match="keep it under 2000"):  # shown as a toast in the page
        box, messages, answers, panel = ask(chat, long_question, [], [])
    assert box == long_question and messages == []
    assert isinstance(answers, type(gr.skip())) and isinstance(panel, type(gr.skip()))


def test_opening_a_source_shows_the_document_with_the_span(chat: Chat, assistant: Assistant) -> None:
    c = assistant.ask("When was the Action Plan released?").citations[0]
    event = gr.EventData(None, {"doc_id": c.doc_id, "start": c.start, "end": c.end, "n": c.n})
    tabs, pick, reader = chat.open_doc(event)
    assert tabs.selected == "docs" and pick["value"] == c.doc_id
    assert 'id="rag-doc-mark"' in reader and "cited as [1]" in reader
    skipped = chat.open_doc(gr.EventData(None, {"doc_id": "missing"}))
    assert all(isinstance(x, type(gr.skip())) for x in skipped)


def test_api_endpoint_returns_the_answer_json(chat: Chat) -> None:
    data = chat.api_ask("and when was it released?", [["What is the Action Plan?", "It lists 13 actions."]], 3)
    assert data["citations"] and len(data["passages"]) == 3
    assert "Action Plan" in data["retrieval_query"]
    with pytest.raises(gr.Error):
        chat.api_ask("   ")


def test_history_and_message_helpers(chat: Chat, assistant: Assistant) -> None:
    a = assistant.ask("When was the Action Plan released?")
    assert [(t.question, t.answer) for t in history_turns([a])] == [(a.question, a.answer)]
    assert message_text([{"type": "text", "text": "hi"}, {"type": "text", "text": "there"}]) == "hi there"
    assert message_text("plain") == "plain" and message_text(None) == ""


def test_blocks_build_with_examples_and_collapsed_settings(assistant: Assistant) -> None:
    demo = build_blocks(SharedAssistant(assistant))
    config = demo.get_config_file()
    accordions = [c for c in config["components"] if c["type"] == "accordion"]
    assert accordions and accordions[0]["props"]["open"] is False
    assert demo.analytics_enabled is False
    chatbot = next(c for c in config["components"] if c["type"] == "chatbot")
    assert chatbot["props"]["buttons"] == []  # the default would show "share" (posts to Hugging Face)
    public = [d.get("api_name") for d in config["dependencies"] if d.get("api_visibility", "public") == "public"]
    assert public == ["ask"]


def test_the_page_names_the_collection_from_its_metadata(assistant: Assistant) -> None:
    import json

    corpus = assistant.config.corpus_path
    generic = build_blocks(SharedAssistant(assistant)).get_config_file()
    assert generic["title"] == "your documents — grounded Q&A"
    assert not [c for c in generic["components"] if c["type"] == "dataset"]  # no examples to show
    meta = {"collection": {"name": "Harbour <Notes>", "examples": ["Who issued the plan?"]}, "documents": {}}
    (corpus / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    named = build_blocks(SharedAssistant(assistant)).get_config_file()
    assert named["title"] == "Harbour <Notes> — grounded Q&A"
    header = next(c for c in named["components"] if c.get("props", {}).get("elem_id") == "rag-header")
    assert "Harbour &lt;Notes&gt;" in header["props"]["value"]
    dataset = next(c for c in named["components"] if c["type"] == "dataset")
    assert "Who issued the plan?" in str(dataset["props"]["samples"])


def test_a_reload_restores_the_stored_conversation_and_new_chat_empties_it(chat: Chat) -> None:
    _, messages, stored, panel = ask(chat, "When was the Action Plan released?", [], [])
    _, messages, stored, panel = ask(chat, "and what do critics say?", messages, stored)
    restored, restored_panel, corpus, pick = chat.restore(stored)
    assert restored == messages and restored_panel == panel
    assert "2 documents" in corpus and len(pick["choices"]) == 2
    fresh = chat.restore([])  # nothing stored: a question asked while the page loads is kept
    assert isinstance(fresh[0], type(gr.skip())) and isinstance(fresh[1], type(gr.skip()))
    assert chat.new_chat() == ([], [], chat.panel([]), "")


def test_documents_view_follows_the_corpus_without_a_question(
    chat: Chat, assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assistant.live, "FRESHNESS_INTERVAL_S", 0.0)
    (assistant.config.corpus_path / "harbour.txt").write_text("The harbour board approved new cranes in March.\n")
    corpus, pick = chat.documents_view()
    assert "3 documents" in corpus and "harbour" in [doc_id for _, doc_id in pick["choices"]]
    assert "harbour" in chat.docs  # and the chat renders answers against the new index
