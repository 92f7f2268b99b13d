"""A plain Gradio chat over the assistant (the rich UI is built on top of this)."""

from __future__ import annotations

import html
import os
from typing import Any

from rag.assistant import Assistant
from rag.errors import RagError
from rag.types import Answer, Turn

EXAMPLES = [
    "What does the plan say about open source?",
    "When was the Global AI Governance Action Plan released?",
    "How many actions does the plan contain?",
    "What does the plan offer the Global South?",
]


def render(answer: Answer) -> str:
    """Markdown for one answer; document text is escaped because it is untrusted."""
    body = html.escape(answer.answer)
    if answer.abstained:
        related = "\n".join(f"- {html.escape(p.title)}: {html.escape(p.text[:200])}…" for p in answer.passages[:3])
        return f"{body}\n\n**Related reading (not an answer):**\n{related}"
    sources = "\n".join(
        f"{c.n}. **{html.escape(c.title)}** ({html.escape(c.source)}:{c.start}-{c.end}): “{html.escape(c.quote)}”"
        for c in answer.citations
    )
    return f"{body}\n\n**Sources** (confidence {answer.confidence:.2f})\n\n{sources}"


def message_text(content: Any) -> str:
    """Gradio 6 gives message content as a string or as a list of {"type": "text", "text": ...} parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def history_turns(messages: list[dict[str, Any]]) -> list[Turn]:
    turns: list[Turn] = []
    for m in messages:
        text = message_text(m.get("content"))
        if m.get("role") == "user":
            turns.append(Turn(question=text))
        elif turns and m.get("role") == "assistant":
            turns[-1] = Turn(turns[-1].question, text)
    return turns


def build_app(assistant: Assistant) -> Any:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    import gradio as gr

    def respond(message: str, messages: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
        messages = list(messages or [])
        try:
            reply = render(assistant.ask(message, history=history_turns(messages)))
        except RagError as exc:
            reply = f"⚠️ {html.escape(str(exc))}"
        return "", [*messages, {"role": "user", "content": message}, {"role": "assistant", "content": reply}]

    with gr.Blocks(title="Global AI Governance Action Plan — grounded Q&A", analytics_enabled=False) as demo:
        gr.Markdown(
            "## Ask the Global AI Governance Action Plan sources\nEvery sentence is quoted from a source and cited."
        )
        chatbot = gr.Chatbot(label="Answers", height=520)
        box = gr.Textbox(label="Question", placeholder="What does the plan say about open source?")
        gr.Examples(EXAMPLES, inputs=box)
        box.submit(respond, [box, chatbot], [box, chatbot], api_name="ask")
    return demo


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860) -> None:
    build_app(assistant).launch(server_name=host, server_port=port, share=False, show_error=False)
