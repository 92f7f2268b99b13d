"""The web chat (Gradio Blocks): conversation, sources panel, documents view, settings. `mount` puts it
at `/` of the FastAPI app that also serves the JSON API (rag.http.app)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from rag.errors import QuestionError, RagError
from rag.http.shared import SharedAssistant
from rag.limits import K_MAX, MAX_SENTENCES_MAX, MODE_LABELS
from rag.runtime import stay_offline
from rag.types import Answer, Document, Turn
from ui import render, storage
from ui.assets import CSS, HEAD, OPEN_DOC_JS
from ui.endpoint import api_k, api_turns
from ui.guard import GradioRequestGuard

# The chat is an entry point of its own (tests and host apps import it without the `rag` command):
# before gradio is imported and any Blocks is built, or Gradio phones home.
stay_offline()

import gradio as gr  # noqa: E402

log = logging.getLogger("ui")

MODES = [(label, mode) for mode, label in MODE_LABELS.items()]
SHOWN_TURNS = storage.MAX_SAVED  # the panel holds every kept answer's sources (and copy data)
HEADER = (
    "<h1>{name} — grounded Q&amp;A</h1>"
    "<p>Every sentence of an answer is quoted verbatim from the source documents and cited to its exact span. "
    "When the documents don't cover a question, the assistant says so instead of guessing.</p>"
)
SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]


def message_text(content: Any) -> str:
    """Gradio 6 gives message content as a string or as a list of {"type": "text", "text": ...} parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def history_turns(answers: list[Answer]) -> list[Turn]:
    """The conversation so far as engine turns (plain answer text, not the rendered HTML)."""
    return [Turn(a.question, a.answer) for a in answers]


class Chat:
    """Event handlers, bound to one shared assistant. The conversation lives in the browser (a list of
    answers in their JSON form, see ui/storage.py) and comes with every event."""

    def __init__(self, shared: SharedAssistant) -> None:
        self.shared = shared

    @property
    def docs(self) -> Mapping[str, Document]:
        # Read at every use: the index (and its documents) is swapped when the corpus changes.
        return self.shared.documents

    def respond(
        self, question: str, messages: list[Any], stored: Any, k: float, length: float, mode: str
    ) -> tuple[str, list[Any], Any, Any]:
        answers = storage.load(stored)
        try:
            answer = self.shared.ask(question, history_turns(answers), k=int(k), mode=mode, max_sentences=int(length))
        except QuestionError as exc:
            gr.Warning(str(exc))
            return question, messages, gr.skip(), gr.skip()  # keep the question: nothing lost on bad input
        except RagError as exc:
            log.error("engine error: %s", exc)
            gr.Warning("The assistant could not answer this question; the server log has the details.")
            return question, messages, gr.skip(), gr.skip()
        answers = [*answers, answer][-storage.MAX_SAVED :]
        return "", self.messages(answers), storage.save(answers), self.panel(answers)

    def ask_example(self, sample: Any, messages: list[Any], stored: Any, k: float, length: float, mode: str) -> Any:
        question = str(sample[0]) if isinstance(sample, list | tuple) and sample else str(sample or "")
        return self.respond(question, messages, stored, k, length, mode)

    def messages(self, answers: list[Answer]) -> list[dict[str, str]]:
        docs = self.docs
        out = []
        for turn, answer in enumerate(answers, start=1):
            out.append({"role": "user", "content": render.question_html(answer.question)})
            out.append({"role": "assistant", "content": render.answer_html(answer, turn, docs)})
        return out

    def panel(self, answers: list[Answer]) -> str:
        numbered = list(enumerate(answers, start=1))[-SHOWN_TURNS:]
        return render.sources_html(numbered, self.docs)

    def restore(self, stored: Any) -> tuple[Any, Any, str, Any]:
        """Page load: the conversation kept in the browser, and the documents as they are now."""
        answers = storage.load(stored)
        if not answers:  # nothing to restore: never clear a question asked while the page loaded
            return gr.skip(), gr.skip(), *self.documents_view()
        return self.messages(answers), self.panel(answers), *self.documents_view()

    def new_chat(self) -> tuple[list[Any], list[Any], str, str]:
        return [], [], self.panel([]), ""

    def documents_view(self) -> tuple[str, Any]:
        """The Documents tab, listing what the index holds now (files added while serving included)."""
        docs = self.shared.fresh_documents()
        return render.corpus_html(docs), gr.update(choices=doc_choices(docs))

    def open_doc(self, evt: gr.EventData) -> tuple[Any, Any, str]:
        """A source's "Open in document" (or a corpus row's "Read"): show it with the span highlighted."""
        data = getattr(evt, "_data", None) or {}
        docs = self.docs
        doc = docs.get(str(data.get("doc_id", "")))
        if doc is None:
            return gr.skip(), gr.skip(), gr.skip()
        start, end, n = (_int(data.get(key)) for key in ("start", "end", "n"))
        pick = gr.update(choices=doc_choices(docs), value=doc.doc_id)
        return gr.Tabs(selected="docs"), pick, render.document_html(doc, start, end, n)

    def pick_doc(self, doc_id: str | None) -> str:
        return render.document_html(self.docs.get(doc_id or ""))

    def api_ask(self, question: str, history: list[list[str]] | None = None, k: int | None = None) -> dict[str, Any]:
        """Answer from the documents only. history: earlier [question, answer] pairs, oldest first.
        Returns the JSON form of the answer (the same object as POST /api/ask)."""
        try:
            return self.shared.ask(question, api_turns(history), k=api_k(k)).to_dict()
        except QuestionError as exc:
            raise gr.Error(str(exc)) from None


def doc_choices(docs: Mapping[str, Document]) -> list[tuple[str, str]]:
    return [(d.meta.title, d.doc_id) for d in docs.values()]


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def build_blocks(shared: SharedAssistant) -> Any:
    chat = Chat(shared)
    k, length, mode = shared.defaults
    private: dict[str, Any] = {"api_visibility": "private"}
    collection = shared.collection
    with gr.Blocks(title=f"{collection.name} — grounded Q&A", analytics_enabled=False) as demo:
        gr.HTML(HEADER.format(name=render.esc(collection.name)), elem_id="rag-header")
        # The page receives the secret anyway (it only scrambles localStorage): a fixed one keeps
        # conversations across server restarts.
        stored = gr.BrowserState([], storage_key="rag-conversation", secret="rag-conversation")
        with gr.Tabs(selected="ask") as tabs:
            with gr.Tab("Ask", id="ask"), gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        label="Conversation",
                        show_label=False,
                        height=520,
                        elem_id="rag-chat",
                        latex_delimiters=[],
                        buttons=[],  # "share" would post to Hugging Face; "copy" would copy our markup
                        placeholder=f"Ask about {collection.name}. Answers quote the sources.",
                    )
                    with gr.Row(elem_id="rag-input-row"):
                        box = gr.Textbox(
                            show_label=False,
                            placeholder="Ask a question, or a follow-up…",
                            scale=5,
                            elem_id="rag-question",
                            max_lines=4,
                            min_width=200,
                        )
                        send = gr.Button("Ask", variant="primary", scale=1, elem_id="rag-ask", min_width=80)
                        fresh = gr.Button("New chat", variant="secondary", scale=1, elem_id="rag-new", min_width=100)
                    # A plain Dataset rather than gr.Examples: clicking one asks it (one queued event),
                    # where gr.Examples would only fill the box, through an unqueued route.
                    examples = (
                        gr.Dataset(
                            components=[box],
                            samples=[[e] for e in collection.examples],
                            label="Example questions (click one to ask it)",
                            elem_id="rag-examples",
                        )
                        if collection.examples
                        else None
                    )
                    with gr.Accordion("Settings", open=False, elem_id="rag-settings"):
                        depth = gr.Slider(1, K_MAX, value=k, step=1, label="Retrieval depth (passages searched)")
                        size = gr.Slider(
                            1, MAX_SENTENCES_MAX, value=length, step=1, label="Answer length (most sentences)"
                        )
                        how = gr.Radio(MODES, value=mode, label="Retrieval mode")
                with gr.Column(scale=2):
                    sources = gr.HTML(chat.panel([]), elem_id="rag-sources-panel", js_on_load=OPEN_DOC_JS, padding=True)
            with gr.Tab("Documents", id="docs") as docs_tab:
                corpus = gr.HTML(render.corpus_html(chat.docs), js_on_load=OPEN_DOC_JS, elem_id="rag-corpus")
                pick = gr.Dropdown(doc_choices(chat.docs), value=None, label="Read a document", elem_id="rag-pick")
                reader = gr.HTML(render.document_html(None), elem_id="rag-reader")

        inputs = [box, chatbot, stored, depth, size, how]
        outputs = [box, chatbot, stored, sources]
        box.submit(chat.respond, inputs, outputs, **private)
        send.click(chat.respond, inputs, outputs, **private)
        if examples is not None:
            examples.click(chat.ask_example, [examples, *inputs[1:]], outputs, **private)
        fresh.click(chat.new_chat, None, [chatbot, stored, sources, box], **private)
        demo.load(chat.restore, stored, [chatbot, sources, corpus, pick], **private)
        docs_tab.select(chat.documents_view, None, [corpus, pick], **private)
        for html in (sources, corpus):
            html.click(chat.open_doc, None, [tabs, pick, reader], **private)
        pick.input(chat.pick_doc, pick, reader, **private)
        gr.api(chat.api_ask, api_name="ask")
    return demo


def theme() -> Any:
    # System fonts only: the default themes would fetch web fonts.
    return gr.themes.Soft(primary_hue="blue", neutral_hue="slate", font=SYSTEM_FONTS, font_mono=MONO_FONTS)


def mount(app: Any, shared: SharedAssistant) -> None:
    blocks = build_blocks(shared)
    dependencies = blocks.get_config_file()["dependencies"]
    names = frozenset(str(d["api_name"]) for d in dependencies if d.get("api_name"))
    app.add_middleware(GradioRequestGuard, api_names=names, fn_ids=frozenset(int(d["id"]) for d in dependencies))
    gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        footer_links=["api"],
        run_history=False,
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        theme=theme(),
        css=CSS,
        head=HEAD,
    )
