"""The web chat (Gradio Blocks): conversation, sources panel, documents view, settings. `mount` puts it
at `/` of the FastAPI app that also serves the JSON API (rag.http.app)."""

from __future__ import annotations

import logging
from typing import Any

from rag.errors import QuestionError, RagError
from rag.http.shared import SharedAssistant
from rag.limits import K_MAX, MAX_ANSWER_CHARS, MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, MAX_SENTENCES_MAX, MODE_LABELS
from rag.runtime import stay_offline
from rag.types import Answer, Turn
from ui import render
from ui.assets import CSS, HEAD, OPEN_DOC_JS
from ui.guard import GradioRequestGuard

# The chat is an entry point of its own (tests and host apps import it without the `rag` command):
# before gradio is imported and any Blocks is built, or Gradio phones home.
stay_offline()

import gradio as gr  # noqa: E402

log = logging.getLogger("ui")

MODES = [(label, mode) for mode, label in MODE_LABELS.items()]
SHOWN_TURNS = 10  # sources of older answers leave the panel
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
    """Event handlers, bound to one shared assistant."""

    def __init__(self, shared: SharedAssistant) -> None:
        self.shared = shared
        self.docs = shared.documents

    def respond(
        self, question: str, messages: list[Any], answers: list[Answer], k: float, length: float, mode: str
    ) -> tuple[str, list[Any], list[Answer], Any]:
        answers = list(answers or [])
        try:
            answer = self.shared.ask(question, history_turns(answers), k=int(k), mode=mode, max_sentences=int(length))
        except QuestionError as exc:
            gr.Warning(str(exc))
            return question, messages, answers, gr.skip()  # keep the question: nothing lost on bad input
        except RagError as exc:
            log.error("engine error: %s", exc)
            gr.Warning("The assistant could not answer this question; the server log has the details.")
            return question, messages, answers, gr.skip()
        answers.append(answer)
        turn = len(answers)
        messages = [
            *(messages or []),
            {"role": "user", "content": render.question_html(answer.question)},
            {"role": "assistant", "content": render.answer_html(answer, turn, self.docs)},
        ]
        return "", messages, answers, self.panel(answers)

    def panel(self, answers: list[Answer]) -> str:
        numbered = list(enumerate(answers, start=1))[-SHOWN_TURNS:]
        return render.sources_html(numbered, self.docs)

    def open_doc(self, evt: gr.EventData) -> tuple[Any, Any, str]:
        """A source's "Open in document" (or a corpus row's "Read"): show it with the span highlighted."""
        data = getattr(evt, "_data", None) or {}
        doc = self.docs.get(str(data.get("doc_id", "")))
        if doc is None:
            return gr.skip(), gr.skip(), gr.skip()
        start, end, n = (_int(data.get(key)) for key in ("start", "end", "n"))
        return gr.Tabs(selected="docs"), gr.update(value=doc.doc_id), render.document_html(doc, start, end, n)

    def pick_doc(self, doc_id: str | None) -> str:
        return render.document_html(self.docs.get(doc_id or ""))

    def api_ask(self, question: str, history: list[list[str]] | None = None, k: int | None = None) -> dict[str, Any]:
        """Answer from the documents only. history: earlier [question, answer] pairs, oldest first.
        Returns the JSON form of the answer (the same object as POST /api/ask)."""
        try:
            return self.shared.ask(question, api_turns(history), k=api_k(k)).to_dict()
        except QuestionError as exc:
            raise gr.Error(str(exc)) from None


def api_turns(history: Any) -> list[Turn]:
    """The endpoint's history, checked like POST /api/ask checks its own: any JSON may arrive here."""
    if history is None:
        return []
    shape = (
        f"history must be a list of at most {MAX_HISTORY_TURNS} [question, answer] pairs of text "
        f"(questions up to {MAX_QUESTION_CHARS} characters, answers up to {MAX_ANSWER_CHARS})"
    )
    if not isinstance(history, list) or len(history) > MAX_HISTORY_TURNS:
        raise QuestionError(shape)
    turns = []
    for pair in history:
        if not isinstance(pair, list | tuple) or not 1 <= len(pair) <= 2 or not all(isinstance(x, str) for x in pair):
            raise QuestionError(shape)
        question, answer = pair[0], pair[1] if len(pair) == 2 else ""
        if len(question) > MAX_QUESTION_CHARS or len(answer) > MAX_ANSWER_CHARS:
            raise QuestionError(shape)
        turns.append(Turn(question, answer))
    return turns


def api_k(k: Any) -> int | None:
    """JSON may bring 3 or 3.0, but also "3", true or 1e300: only a whole number from 1 to 50 passes."""
    if k is None:
        return None
    if isinstance(k, bool) or not isinstance(k, int | float) or not 1 <= k <= 50 or k != int(k):
        raise QuestionError(f"k={k!r} is not a whole number from 1 to 50 (passages to retrieve)")
    return int(k)


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
        answers = gr.State([])
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
                    with gr.Row():
                        box = gr.Textbox(
                            show_label=False,
                            placeholder="Ask a question, or a follow-up…",
                            scale=5,
                            elem_id="rag-question",
                            max_lines=4,
                        )
                        send = gr.Button("Ask", variant="primary", scale=1, elem_id="rag-ask")
                    if collection.examples:
                        gr.Examples(list(collection.examples), inputs=box, label="Example questions")
                    with gr.Accordion("Settings", open=False, elem_id="rag-settings"):
                        depth = gr.Slider(1, K_MAX, value=k, step=1, label="Retrieval depth (passages searched)")
                        size = gr.Slider(
                            1, MAX_SENTENCES_MAX, value=length, step=1, label="Answer length (most sentences)"
                        )
                        how = gr.Radio(MODES, value=mode, label="Retrieval mode")
                with gr.Column(scale=2):
                    sources = gr.HTML(chat.panel([]), elem_id="rag-sources-panel", js_on_load=OPEN_DOC_JS, padding=True)
            with gr.Tab("Documents", id="docs"):
                corpus = gr.HTML(render.corpus_html(chat.docs), js_on_load=OPEN_DOC_JS, elem_id="rag-corpus")
                pick = gr.Dropdown(
                    [(d.meta.title, d.doc_id) for d in chat.docs.values()],
                    value=None,
                    label="Read a document",
                    elem_id="rag-pick",
                )
                reader = gr.HTML(render.document_html(None), elem_id="rag-reader")

        inputs = [box, chatbot, answers, depth, size, how]
        outputs = [box, chatbot, answers, sources]
        box.submit(chat.respond, inputs, outputs, **private)
        send.click(chat.respond, inputs, outputs, **private)
        chatbot.clear(lambda: ([], chat.panel([])), None, [answers, sources], **private)
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
