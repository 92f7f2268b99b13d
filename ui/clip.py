"""What the copy buttons put on the clipboard: an answer with its citations, or one citation, as
plain text and as HTML, so it pastes as readable text into an editor and as a formatted quote with
a numbered source list into a word processor. Built here from the engine's answer, never from the
page's markup."""

from __future__ import annotations

from html import escape

from rag.answer.compose import shown
from rag.types import Answer, Citation


def _one_line(text: str) -> str:
    return " ".join(text.split())


def source_line(c: Citation) -> str:
    """ "Title — Outlet, date" as far as the metadata says."""
    where = ", ".join(x for x in (c.outlet, c.date) if x)
    return f"{c.title} — {where}" if where else c.title


def span_line(c: Citation) -> str:
    return f"{c.source}, characters {c.start}–{c.end}"


def answer_text(answer: Answer) -> str:
    body = " ".join(shown(_one_line(s.text)) + "".join(f" [{n}]" for n in s.citations) for s in answer.sentences)
    lines = [body or _one_line(answer.answer), "", "Sources:"]
    for c in answer.citations:
        lines += [f"[{c.n}] {source_line(c)}", f"    {span_line(c)}", f"    “{_one_line(c.quote)}”"]
    return "\n".join(lines)


def answer_html(answer: Answer) -> str:
    body = " ".join(
        escape(shown(_one_line(s.text))) + "".join(f" [{n}]" for n in s.citations) for s in answer.sentences
    )
    items = "".join(
        f"<li>{escape(source_line(c))}<br><small>{escape(span_line(c))}</small>"
        f"<blockquote>“{escape(_one_line(c.quote))}”</blockquote></li>"
        for c in answer.citations
    )
    return f"<p>{body or escape(_one_line(answer.answer))}</p><p><strong>Sources</strong></p><ol>{items}</ol>"


def citation_text(c: Citation) -> str:
    return f"“{_one_line(c.quote)}”\n— {source_line(c)} ({span_line(c)})"


def citation_html(c: Citation) -> str:
    return (
        f"<blockquote>“{escape(_one_line(c.quote))}”</blockquote>"
        f"<p>— {escape(source_line(c))} <small>({escape(span_line(c))})</small></p>"
    )
